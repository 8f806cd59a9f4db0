import { JoinForm } from "@/components/workshop/JoinForm";
import { normalizeJoinCode } from "@/lib/workshop/join-code";
import { currentLearner } from "@/server/auth/request-guard";

export const dynamic = "force-dynamic";

/** The link and QR code on the projector land here with the code filled in; the server checks it on join. */
export default async function JoinWithCodePage({ params }: { params: Promise<{ code: string }> }) {
  const learner = await currentLearner();
  // Only code characters are carried into the form; anything else in the address is dropped, never decoded.
  const code = normalizeJoinCode((await params).code).replace(/[^A-Z0-9]/g, "").slice(0, 12);
  return (
    <main className="page">
      <h1>Join a workshop</h1>
      <p className="lede">Your code is filled in: enter your name and join.</p>
      <JoinForm initialCode={code} signedInAs={learner?.displayName ?? null} />
    </main>
  );
}
