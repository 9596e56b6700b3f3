import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where an IAM role for a service account (IRSA) may be assumed from. */
export interface ServiceAccountRef {
    /** The cluster's IAM OIDC provider. */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** The OIDC issuer, as IAM condition keys spell it: without "https://" (a leading one is dropped). */
    readonly oidcIssuer: pulumi.Input<string>;
    readonly namespace: string;
    readonly serviceAccount: string;
}

/**
 * The trust policy of an IRSA role: only the one service account may assume it, and only with a
 * token minted for STS. Without the `sub` condition any pod of the cluster could take the role.
 */
export function irsaTrustPolicy(ref: ServiceAccountRef): pulumi.Output<string> {
    return pulumi.all([ref.oidcProviderArn, ref.oidcIssuer]).apply(([arn, issuerUrl]) => {
        const issuer = issuerUrl.replace(/^https:\/\//, "");
        return JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: arn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${issuer}:sub`]: `system:serviceaccount:${ref.namespace}:${ref.serviceAccount}`,
                            [`${issuer}:aud`]: "sts.amazonaws.com",
                        },
                    },
                },
            ],
        });
    });
}

/** An IAM policy statement that allows `actions` on any resource, under `condition` when given. */
export function allowOnAny(sid: string, actions: readonly string[], condition?: Record<string, unknown>) {
    return {
        Sid: sid,
        Effect: "Allow",
        Action: actions,
        Resource: "*",
        ...(condition ? { Condition: condition } : {}),
    };
}

/** What an IRSA role with its own inline policy is for: the one service account and what it may do. */
export interface IrsaRoleArgs extends ServiceAccountRef {
    /** The role's inline policy document. */
    readonly policy: pulumi.Input<string>;
    /** The inline policy's logical name (part of its URN). @default the role's */
    readonly policyName?: string;
    readonly tags?: Record<string, string>;
}

/**
 * An IRSA role (`serviceAccountRole`, under `parent`) with its inline policy as the role's child.
 * The add-ons that call AWS are built on it (`irsaRelease` in components/platform), and so is any
 * Job or Deployment that needs a role of its own: declare the role here, pass its ARN to the pod's
 * service account.
 */
export function irsaRole(name: string, args: IrsaRoleArgs, parent: pulumi.Resource): aws.iam.Role {
    const role = serviceAccountRole(name, args, parent, args.tags);
    new aws.iam.RolePolicy(args.policyName ?? name, { role: role.id, policy: args.policy }, { parent: role });
    return role;
}

/** An IAM role that exactly one Kubernetes service account can assume. */
export function serviceAccountRole(
    name: string,
    ref: ServiceAccountRef,
    parent: pulumi.Resource,
    tags?: Record<string, string>,
): aws.iam.Role {
    return new aws.iam.Role(
        name,
        {
            assumeRolePolicy: irsaTrustPolicy(ref),
            description: `IRSA role of ${ref.namespace}/${ref.serviceAccount}`,
            tags,
        },
        { parent },
    );
}
