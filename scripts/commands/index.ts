/**
 * Every command, in the order `capstan --help` and docs/commands.md list them. A command is one
 * file in this folder exporting its `definition` and `main`; scripts/capstan.js dispatches to it by
 * name. list.ts lists them but `docs`, which comes last.
 */
import type { CommandDefinition } from "../cli/define";
import * as docs from "./docs";
import { LISTED, type CommandModule } from "./list";

export type { CommandModule };

export const COMMANDS: readonly CommandModule[] = [...LISTED, docs];

/** Every command's definition, in order. */
export function definitions(): CommandDefinition<unknown>[] {
    return COMMANDS.map((c) => c.definition);
}
