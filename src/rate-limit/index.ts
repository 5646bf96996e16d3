export { windowOf, type CounterStore, type WindowCount } from "./counter-store.js";
export { createDatabaseCounterStore } from "./store.js";
export { createRedisCounterStore } from "./redis-store.js";
export { createRateLimiter, type RateLimiter, type RateLimitCharge, type RateLimitClass, type RateLimitPolicy, type RateLimitState } from "./limiter.js";
export { rateLimitHeaders, retryAfterSeconds } from "./headers.js";
