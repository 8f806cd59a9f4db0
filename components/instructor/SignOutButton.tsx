"use client";

import { useRouter } from "next/navigation";
import { send } from "@/components/api-client";

export function SignOutButton() {
  const router = useRouter();
  async function signOut() {
    // Signed out or not, the way on is the sign-in page.
    await send("/api/instructor/session", {}, "DELETE").catch(() => undefined);
    router.push("/instructor/login");
    router.refresh();
  }
  return (
    <button type="button" className="btn-ghost" onClick={signOut}>
      Sign out
    </button>
  );
}
