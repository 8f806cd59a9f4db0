import { redirect } from "next/navigation";
import { AccountForm } from "@/components/instructor/AccountForm";
import { isLabSetUp } from "@/server/auth/instructor-guard";

export const dynamic = "force-dynamic";

/** First run: create the administrator. Once one exists, this page is gone (the route refuses too). */
export default async function SetupPage() {
  if (await isLabSetUp()) redirect("/instructor/login");
  return (
    <main className="page">
      <h1>Set up layerlab</h1>
      <p className="lede">
        Create the administrator account. The administrator runs workshops and adds the other instructors. This page is
        offered only until the administrator exists.
      </p>
      <AccountForm endpoint="/api/instructor/setup" submitLabel="Create administrator" after="open dashboard" />
    </main>
  );
}
