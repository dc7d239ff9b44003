// The login token lives for the browser tab only: closing the tab logs out.
const KEY = "kundenstamm.session";

export function sessionToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeSession(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
