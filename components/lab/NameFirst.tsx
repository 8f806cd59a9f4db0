import Link from "next/link";
import { StartForm } from "@/components/StartForm";

/**
 * A chapter or drill opened by a direct link without a session: it says a name is needed first and asks for it
 * right here. Starting refreshes this same page, so the learner lands on what the link named, not on the home page.
 */
export function NameFirst({ title, what }: { title: string; what: string }) {
  return (
    <main className="page">
      <h1>{title}</h1>
      <p className="lede" role="status">
        To open {what} you need a name first: it gives you your own sandbox and keeps your progress. Enter it below and {what}{" "}
        opens right away.
      </p>
      <StartForm />
      <p className="lede" style={{ marginTop: 16 }}>
        In a workshop? <Link href="/join">Join with the code on the projector</Link> instead, then open {what} from the list.
      </p>
    </main>
  );
}
