import { redirect } from "next/navigation";
import { LoginForm } from "@/components/instructor/LoginForm";
import { currentInstructor, isLabSetUp } from "@/server/auth/instructor-guard";

export const dynamic = "force-dynamic";

export default async function InstructorLoginPage() {
  if (!(await isLabSetUp())) redirect("/instructor/setup");
  if (await currentInstructor()) redirect("/instructor");
  return (
    <main className="page">
      <h1>Instructor sign-in</h1>
      <p className="lede">Learners do not need an account: they join a workshop with its code.</p>
      <LoginForm />
    </main>
  );
}
