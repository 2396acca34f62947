import { defineConfig } from "@playwright/test";

// The dashboard in Debian's Chromium against a real `steward serve`, which
// scripts/web-check starts (it sets STEWARD_URL and the users' passwords).
export default defineConfig({
  testDir: "tests",
  timeout: 60_000,
  workers: 1,
  reporter: "list",
  use: {
    baseURL: process.env.STEWARD_URL,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/lib/chromium/chromium",
    },
  },
});
