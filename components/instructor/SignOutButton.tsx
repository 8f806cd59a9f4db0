"use client";

import { useRouter } from "next/navigation";
import { postJson } from "./post-json";

export function SignOutButton() {
  const router = useRouter();
  async function signOut() {
    await postJson("/api/instructor/session", undefined, "DELETE");
    router.push("/instructor/login");
    router.refresh();
  }
  return (
    <button type="button" className="btn-ghost" onClick={signOut}>
      Sign out
    </button>
  );
}
