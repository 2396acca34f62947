import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { api, data } from "../api/client";

/** Logs in and returns to the page the steward was sent away from. */
export function Login() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await data(
        api.POST("/api/v1/auth/login", {
          body: { user: String(form.get("user")), password: String(form.get("password")) },
        }),
      );
      queries.clear();
      const next = params.get("next");
      // Only a path of this site: never a redirect elsewhere.
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <h1>Steward</h1>
      <form onSubmit={submit}>
        <label>
          User <input name="user" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>Log in</button>
        {error && <p className="error" role="alert">{error}</p>}
      </form>
    </div>
  );
}
