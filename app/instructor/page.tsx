import Link from "next/link";
import { AccountForm } from "@/components/instructor/AccountForm";
import { CreateWorkshopForm } from "@/components/instructor/CreateWorkshopForm";
import { LocalTime } from "@/components/instructor/LocalTime";
import { SignOutButton } from "@/components/instructor/SignOutButton";
import styles from "@/components/instructor/WorkshopAdmin.module.css";
import { instructorForPage, type Workshop } from "@/server/auth/instructor-guard";
import { getCourse } from "@/server/content/course";
import { getDrills } from "@/server/content/drills";
import { showInstructorHome } from "@/server/instructor/show-instructor-home";

export const dynamic = "force-dynamic";

function state(w: Workshop, now: Date): string {
  if (w.endedAt) return "ended";
  if (now >= w.endsAt) return "over";
  if (now < w.startsAt) return "upcoming";
  return "running";
}

/** An instructor's own workshops, a form for a new one, and (for the administrator) the instructor accounts. */
export default async function InstructorDashboard() {
  const instructor = await instructorForPage();
  const [{ workshops, instructors }, course, drills] = await Promise.all([showInstructorHome(instructor), getCourse(), getDrills()]);
  const now = new Date();

  return (
    <main className="page">
      <div className={styles.header}>
        <div>
          <h1>Your workshops</h1>
          <p className="lede">
            Signed in as {instructor.displayName} ({instructor.username}
            {instructor.role === "admin" ? ", administrator" : ""}).
          </p>
        </div>
        <SignOutButton />
      </div>

      {workshops.length === 0 ? (
        <p className={styles.muted}>No workshops yet: create the first one below.</p>
      ) : (
        <ul className={styles.list} aria-label="Workshops">
          {workshops.map((w) => (
            <li key={w.id}>
              <Link href={`/instructor/workshops/${w.id}`}>{w.title}</Link>
              <span className={styles.code}>{w.joinCode}</span>
              <span className={styles.muted}>
                <LocalTime iso={w.startsAt.toISOString()} /> · {w.memberCount}/{w.capacity} joined · {state(w, now)}
              </span>
            </li>
          ))}
        </ul>
      )}

      <h2>New workshop</h2>
      <CreateWorkshopForm
        chapters={course.chapters.map((c) => ({ id: c.id, title: c.title }))}
        drills={drills.map((d) => ({ id: d.id, title: d.title }))}
      />

      {instructor.role === "admin" && (
        <>
          <h2 style={{ marginTop: 32 }}>Instructors</h2>
          <ul className={styles.list} aria-label="Instructors">
            {instructors.map((i) => (
              <li key={i.id}>
                <span>{i.displayName}</span>
                <span className={styles.code}>{i.username}</span>
                <span className={styles.muted}>{i.role}</span>
              </li>
            ))}
          </ul>
          <AccountForm endpoint="/api/instructor/instructors" submitLabel="Add instructor" after="refresh" />
        </>
      )}
    </main>
  );
}
