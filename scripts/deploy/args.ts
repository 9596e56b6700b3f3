/** The arguments of `capstan deploy`, as its definition (scripts/commands/deploy.ts) reads them. */
export interface DeployArgs {
    readonly stack: string;
    /** The tag to deploy; absent with --rollback, which reads it from the stack history. */
    readonly imageTag?: string;
    readonly rollback: boolean;
    readonly yes: boolean;
    readonly allowInfraChanges: boolean;
    /** Blue/green: deploy to the old colour although the switch back to it is still possible. */
    readonly force: boolean;
    /** Blue/green: stop once the idle colour is verified, without moving the routes. */
    readonly noSwitch: boolean;
}
