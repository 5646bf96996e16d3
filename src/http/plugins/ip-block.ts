import type { FastifyInstance } from "fastify";
import type { RestrictionChecks } from "../../ids/index.js";
import { AppError } from "../../kernel/index.js";

/**
 * Refuses requests from an address blocked by an automatic response, before anything else is done for them
 * (403 `defence.ip_blocked`, in the error format of the route's policy).
 */
export function registerIpBlock(app: FastifyInstance, checks: Pick<RestrictionChecks, "isIpBlocked">): void {
  app.addHook("onRequest", async (request) => {
    if (await checks.isIpBlocked(request.ip)) throw new AppError("defence.ip_blocked");
  });
}
