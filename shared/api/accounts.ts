import { z } from "zod";
import { staffRole } from "./session.js";

/** An account named in a path. */
export const accountParams = z.object({ id: z.uuid() });

/** The signed-in user's own password change. */
export const changePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

/** An administrator replaces a staff account's roles. */
export const changeRolesRequest = z.object({ roles: z.array(staffRole).min(1).max(staffRole.options.length) });
export type ChangeRolesRequest = z.infer<typeof changeRolesRequest>;
