/** The arguments of `capstan deploy`, as its definition (scripts/commands/deploy.ts) reads them. */
export interface DeployArgs {
    readonly stack: string;
    /** The tag to deploy; absent with --rollback, which reads it from the stack history. */
    readonly imageTag?: string;
    readonly rollback: boolean;
    readonly yes: boolean;
    readonly allowInfraChanges: boolean;
}
