import { JoinForm } from "@/components/workshop/JoinForm";
import { currentLearner } from "@/server/auth/request-guard";

export const dynamic = "force-dynamic";

export default async function JoinPage() {
  const learner = await currentLearner();
  return (
    <main className="page">
      <h1>Join a workshop</h1>
      <p className="lede">Enter the code your instructor shows, and your name.</p>
      <JoinForm initialCode="" signedInAs={learner?.displayName ?? null} />
    </main>
  );
}
