import { z } from "zod";

/** One refused upload as the security officer sees it: metadata only, never the file. */
export const quarantineItemView = z.object({
  id: z.string(),
  reasonCode: z.string(),
  declaredType: z.string(),
  detectedType: z.string().optional(),
  size: z.number(),
  sha256: z.string(),
  uploaderId: z.string(),
  /** Milliseconds since the epoch. */
  createdAt: z.number(),
});
export type QuarantineItemView = z.infer<typeof quarantineItemView>;

export const quarantineQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export const quarantineResponse = z.object({ items: z.array(quarantineItemView) });
