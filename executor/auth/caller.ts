/** Who is invoking a tool, as step 1 establishes it and CEL sees it (`caller`). */
export interface Caller {
  id: string;
  roles: string[];
  claims: Record<string, unknown>;
}

export const SCHEDULER_ROLE = "scheduler";
export const WEBHOOK_ROLE = "webhook";
