import type { SchemaChangeRule } from "./rule";
import { S001 } from "./s001-drop-entity";
import { S002 } from "./s002-drop-field";
import { S003 } from "./s003-narrow-type";
import { S004 } from "./s004-remove-enum-value";
import { S005 } from "./s005-remove-state";
import { S006 } from "./s006-required-without-default";
import { S007 } from "./s007-unique-on-existing";
import { S008 } from "./s008-no-overlap-on-existing";
import { S009 } from "./s009-new-check-on-existing";
import { S010 } from "./s010-rewrite";
import { S011 } from "./s011-check-existing-rows-may-violate";
import { S012 } from "./s012-rename";

/** Every schema-change rule, in id order. Ids are stable; a retired id is never reused. */
export const SCHEMA_CHANGE_RULES: readonly SchemaChangeRule[] = [S001, S002, S003, S004, S005, S006, S007, S008, S009, S010, S011, S012];
export type { SchemaChangeRule, SchemaFinding, SchemaFindingLevel } from "./rule";
