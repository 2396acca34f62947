// The API client: types generated from the server's OpenAPI document
// (`npm run api-types`), the browser's session cookie sent with every call.
// A call that finds the session gone sends the steward to the login page and
// back to where they were afterwards.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });

api.use({
  onResponse({ response }) {
    if (response.status === 401 && !location.pathname.startsWith("/login")) {
      const next = encodeURIComponent(location.pathname + location.search);
      location.assign(`/login?next=${next}`);
    }
    return response;
  },
});

/** A problem document's words, for an error shown to the steward. */
export class ApiError extends Error {
  constructor(public status: number, detail: string) {
    super(detail);
  }
}

/** The data of a call, or an `ApiError` with the problem's detail. */
export async function data<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined) {
    const detail =
      typeof error === "object" && error !== null && "detail" in error
        ? String((error as { detail: unknown }).detail)
        : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, detail);
  }
  return data;
}
