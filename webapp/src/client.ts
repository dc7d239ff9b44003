import { Client, fetchExchange } from "@urql/core";
import { clearSession, sessionToken } from "./session";

/**
 * The API of the server that serves the app (same origin, so no CORS round trip).
 * No cache exchange: every screen reads what is stored now, which is what people
 * editing master data expect after their own and their colleagues' changes.
 */
export function createClient(onSessionEnded: () => void): Client {
  return new Client({
    url: "/graphql",
    exchanges: [fetchExchange],
    preferGetMethod: false,
    fetchOptions: (): RequestInit => {
      const token = sessionToken();
      const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
      return { headers };
    },
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      // An expired or revoked session: back to the login form.
      if (response.status === 401) {
        clearSession();
        onSessionEnded();
      }
      return response;
    },
  });
}
