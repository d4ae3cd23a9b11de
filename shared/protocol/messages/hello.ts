import * as z from '../zod';

/** First message of every connection: who is talking, which protocol, what the host can do. */
export const hello = {
  type: 'hello',
  params: z.object({
    client: z.object({
      name: z.string().check(z.maxLength(100)),
      version: z.string().check(z.maxLength(40)),
    }),
  }),
  result: z.object({
    host: z.object({ name: z.string(), version: z.string() }),
    protocol: z.object({ version: z.int(), min: z.int() }),
    capabilities: z.array(z.string()),
  }),
} as const;
