import Link from "next/link";
import { RoomView } from "@/components/instructor/RoomView";
import { LabQueue } from "@/components/instructor/LabQueue";
import { LocalTime } from "@/components/instructor/LocalTime";
import { WorkshopControls } from "@/components/instructor/WorkshopControls";
import { DrillBoardControl } from "@/components/drills/DrillBoardControl";
import styles from "@/components/instructor/WorkshopAdmin.module.css";
import { workshopForPage } from "@/server/auth/instructor-guard";
import { getCourse } from "@/server/content/course";
import { getDrills } from "@/server/content/drills";
import { getRuntime } from "@/server/runtime";
import { joinLink } from "@/server/workshop/join-link";

export const dynamic = "force-dynamic";

/** One workshop for its owner: how to get in (code, link, QR), the room controls, and the live room. */
export default async function WorkshopPage({ params }: { params: Promise<{ id: string }> }) {
  const { workshop } = await workshopForPage((await params).id);
  const [course, drills] = await Promise.all([getCourse(), getDrills()]);
  const drillTitles = new Map(drills.map((d) => [d.id, d.title]));
  const { url, qrSvg } = await joinLink(workshop.joinCode, getRuntime().config);
  const titles = new Map(course.chapters.map((c) => [c.id, c.title]));

  return (
    <main className="page" style={{ maxWidth: 1400 }}>
      <p>
        <Link href="/instructor">← Your workshops</Link>
      </p>
      <div className={styles.header}>
        <div>
          <h1>{workshop.title}</h1>
          <p className={styles.muted}>
            <LocalTime iso={workshop.startsAt.toISOString()} /> – <LocalTime iso={workshop.endsAt.toISOString()} /> ·{" "}
            {workshop.memberCount}/{workshop.capacity} joined
            {workshop.endedAt && " · ended"}
          </p>
          <p>
            Join at <a href={url}>{url}</a> · <Link href={`/instructor/workshops/${workshop.id}/projector`}>Projector view</Link>
          </p>
        </div>
        <div className={styles.join}>
          <span className={styles.bigCode} data-testid="join-code" aria-label="Join code">
            {workshop.joinCode}
          </span>
          {/* SVG drawn on the server by the qrcode package from our own URL. */}
          <div className={styles.qr} role="img" aria-label={`QR code for ${url}`} dangerouslySetInnerHTML={{ __html: qrSvg }} />
        </div>
      </div>
      <WorkshopControls
        workshop={{
          id: workshop.id,
          ended: workshop.endedAt !== null,
          chapters: workshop.chapterIds.map((id) => ({ id, title: titles.get(id) ?? id, locked: workshop.lockedChapterIds.includes(id) })),
        }}
      />
      {workshop.drillIds.length > 0 && (
        <DrillBoardControl workshopId={workshop.id} drills={workshop.drillIds.map((id) => ({ id, title: drillTitles.get(id) ?? id }))} />
      )}
      <LabQueue workshopId={workshop.id} />
      <RoomView workshopId={workshop.id} />
    </main>
  );
}
