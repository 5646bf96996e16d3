import { z } from "zod";

/** An account named in a path. */
export const accountParams = z.object({ id: z.uuid() });

/** The signed-in user's own password change. */
export const changePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;
