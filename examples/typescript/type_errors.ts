// What the generated types refuse at compile time. Every `@ts-expect-error` line must be an error:
// `tsc --strict --noEmit` fails if one of them compiles.
import type { AndroidReportedCrash, ApiCreatedCheckIn } from "./events.js";

export const ok: ApiCreatedCheckIn = {
  event: "api_created_check_in",
  user_id: 7,
  user_email: "grace@example.org",
  client_id: "web",
  checkin_id: "6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10",
  business_id: 42,
  insecure_mode: false,
  offline_checkin: false,
  checkin_at: "2024-05-01T12:00:00Z",
};

// @ts-expect-error a required parameter (`checkin_at`) is missing
export const missing: ApiCreatedCheckIn = {
  event: "api_created_check_in",
  user_id: 7,
  user_email: "grace@example.org",
  client_id: "web",
  checkin_id: "6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10",
  business_id: 42,
  insecure_mode: false,
  offline_checkin: false,
};

// @ts-expect-error a wrong type: `user_id` is an integer, not a string
export const wrongType: ApiCreatedCheckIn = { ...ok, user_id: "7" };

// @ts-expect-error `null` for a parameter that is not nullable
export const nullNotAllowed: ApiCreatedCheckIn = { ...ok, insecure_mode: null };

// @ts-expect-error the name field is a literal type: another event's name does not fit
export const wrongName: ApiCreatedCheckIn = { ...ok, event: "api_rejected_check_in" };

// Optional and nullable are different: `user_id` may be absent, `screen` may be null but must be present.
export const crash: AndroidReportedCrash = {
  event: "android_reported_crash",
  client_id: "android",
  device_id: "6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10",
  os_version: "14",
  app_build: 1200,
  crash_id: "6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d11",
  exception_class: "NullPointerException",
  screen: null,
  crashed_at: "2024-05-01T12:00:00Z",
};

// @ts-expect-error `screen` is nullable but required: leaving it out does not compile
export const crashWithoutScreen: AndroidReportedCrash = (({ screen, ...rest }) => rest)(crash);
