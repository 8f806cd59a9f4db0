import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: "layerlab",
  description: "Learn to build container images with a real Docker engine of your own.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand" aria-label="layerlab home">
            <span className="brand-mark" aria-hidden="true">▤</span> layerlab
          </Link>
        </header>
        {children}
      </body>
    </html>
  );
}
