/**
 * The embedded admin's password for tests that use the API as the admin. The
 * password printed at first start is temporary and gives no session, so the
 * tests choose their own through the password route, as a person does at
 * first sign-in. Once per platform.
 */
import type { Platform } from '../../infra/local/platform.js';

// Must pass the password rules (functions/domain/passwords.ts, password-strength.ts): not the "admin" of admin@pont.local.
export const TEST_ADMIN_PASSWORD = 'the tests own console password';
const chosen = new Map<string, Promise<string>>();

export function adminPasswordOf(platform: Pick<Platform, 'url' | 'adminEmail' | 'adminPassword'>): Promise<string> {
  let password = chosen.get(platform.url);
  if (!password) {
    password = (async () => {
      const response = await fetch(`${platform.url}/api/auth/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: platform.adminEmail, currentPassword: platform.adminPassword, newPassword: TEST_ADMIN_PASSWORD }),
      });
      if (!response.ok) throw new Error(`Could not set the admin's password: HTTP ${response.status}`);
      return TEST_ADMIN_PASSWORD;
    })();
    chosen.set(platform.url, password);
  }
  return password;
}
