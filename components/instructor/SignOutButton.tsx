"use client";

import { useOpenAfresh } from "@/components/api-action";
import { send } from "@/components/api-client";

export function SignOutButton() {
  const openAfresh = useOpenAfresh();
  async function signOut() {
    // Signed out or not, the way on is the sign-in page.
    await send("/api/instructor/session", {}, "DELETE").catch(() => undefined);
    openAfresh("/instructor/login");
  }
  return (
    <button type="button" className="btn-ghost" onClick={signOut}>
      Sign out
    </button>
  );
}
