import { z } from "zod";

/** Every non-FHIR API error body. `code` is a stable `module.snake_case` identifier. */
export const apiError = z.object({
  code: z.string(),
  message: z.string(),
  incidentId: z.string().optional(),
});
export type ApiError = z.infer<typeof apiError>;
