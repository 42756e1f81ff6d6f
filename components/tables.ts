/** Table names as the schema compiler derives them: snake_case of the entity name. Pure. */
export function tableName(entity: string): string {
  return entity
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
