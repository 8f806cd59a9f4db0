import type { Metadata } from "next";
import Link from "next/link";
import { RoomBanner } from "@/components/workshop/RoomBanner";
import { currentLearnerRoom } from "@/server/workshop/learner-room";
import "./globals.css";

export const metadata: Metadata = {
  title: "layerlab",
  description: "Learn to build container images with a real Docker engine of your own.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const room = await currentLearnerRoom();
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand" aria-label="layerlab home">
            <span className="brand-mark" aria-hidden="true">▤</span> layerlab
          </Link>
          {room && <RoomBanner workshopTitle={room.workshopTitle} initialNotice={room.latest} />}
        </header>
        {children}
      </body>
    </html>
  );
}
