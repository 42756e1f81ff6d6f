/** Who is invoking a tool, as step 1 establishes it and CEL sees it (`caller`). */
export interface Caller {
  id: string;
  roles: string[];
  claims: Record<string, unknown>;
}
