import styles from "@/components/instructor/WorkshopAdmin.module.css";
import { workshopForPage } from "@/server/auth/instructor-guard";
import { getRuntime } from "@/server/runtime";
import { joinLink } from "@/server/workshop/join-link";

export const dynamic = "force-dynamic";

/** For the projector: the code, the link and the QR code, large enough to read from the back of the room. */
export default async function ProjectorPage({ params }: { params: Promise<{ id: string }> }) {
  const { workshop } = await workshopForPage((await params).id);
  const { url, qrSvg } = await joinLink(workshop.joinCode, getRuntime().config);
  return (
    <main className={styles.projector}>
      <h1>{workshop.title}</h1>
      <div className={styles.bigCode}>{workshop.joinCode}</div>
      <div className={styles.qr} role="img" aria-label={`QR code for ${url}`} dangerouslySetInnerHTML={{ __html: qrSvg }} />
      <div className={styles.projectorUrl}>{url}</div>
    </main>
  );
}
