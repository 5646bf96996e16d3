import { z } from "zod";

/** An account named in a path. */
export const accountParams = z.object({ id: z.uuid() });
