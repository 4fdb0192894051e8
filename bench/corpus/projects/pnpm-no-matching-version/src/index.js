import { z } from 'zod';

export const Signup = z.object({ email: z.string().email(), age: z.number().int().min(13) });
