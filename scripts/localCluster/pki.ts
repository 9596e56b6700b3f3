/**
 * The local cluster's certificates and keys, made with `openssl`: a CA, the API server's serving
 * certificate, one client certificate per identity, and the service-account signing key.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { paths } from "./layout";

/** A client identity: its certificate's CN (user) and O (groups). */
export interface Identity {
    file: string;
    user: string;
    groups: string[];
}

export const IDENTITIES = {
    admin: { file: "admin", user: "capstan-admin", groups: ["system:masters"] },
    controllerManager: { file: "kube-controller-manager", user: "system:kube-controller-manager", groups: [] },
    scheduler: { file: "kube-scheduler", user: "system:kube-scheduler", groups: [] },
} satisfies Record<string, Identity>;

const APISERVER_NAMES = [
    "DNS:localhost",
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
    "IP:127.0.0.1",
    "IP:10.96.0.1",
];

export function pkiFile(name: string): string {
    return path.join(paths.pki, name);
}

function openssl(args: string[]): void {
    try {
        execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
    } catch (err) {
        const e = err as { code?: string; stderr?: Buffer };
        if (e.code === "ENOENT") throw new Error("openssl not found: install it (apt-get install -y openssl)");
        throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim()}`);
    }
}

function newKey(name: string): void {
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pkiFile(`${name}.key`)]);
}

function subject(cn: string, groups: string[] = []): string {
    return groups.map((o) => `/O=${o}`).join("") + `/CN=${cn}`;
}

/** Signs `<name>.crt` for `<name>.key` with the CA, with the given X.509 v3 extensions. */
function signedCert(name: string, subj: string, extensions: string[]): void {
    const csr = pkiFile(`${name}.csr`);
    const ext = pkiFile(`${name}.ext`);
    openssl(["req", "-new", "-key", pkiFile(`${name}.key`), "-subj", subj, "-out", csr]);
    fs.writeFileSync(ext, extensions.join("\n") + "\n");
    openssl([
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        pkiFile("ca.crt"),
        "-CAkey",
        pkiFile("ca.key"),
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        ext,
        "-out",
        pkiFile(`${name}.crt`),
    ]);
    fs.rmSync(csr);
    fs.rmSync(ext);
}

function clientCert(identity: Identity): void {
    newKey(identity.file);
    signedCert(identity.file, subject(identity.user, identity.groups), [
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=clientAuth",
    ]);
}

/** Creates every certificate and key the cluster needs, in a fresh pki folder. */
export function createPki(): void {
    fs.mkdirSync(paths.pki, { recursive: true, mode: 0o700 });
    newKey("ca");
    openssl([
        "req",
        "-x509",
        "-new",
        "-key",
        pkiFile("ca.key"),
        "-subj",
        "/CN=capstan-local-ca",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        pkiFile("ca.crt"),
    ]);
    newKey("apiserver");
    signedCert("apiserver", subject("kube-apiserver"), [
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=serverAuth",
        `subjectAltName=${APISERVER_NAMES.join(",")}`,
    ]);
    for (const identity of Object.values(IDENTITIES)) clientCert(identity);
    newKey("service-account");
    openssl(["pkey", "-in", pkiFile("service-account.key"), "-pubout", "-out", pkiFile("service-account.pub")]);
}

/** A kubeconfig for one identity, with the certificates embedded so it can be copied anywhere. */
export function kubeconfigFor(identity: Identity, server: string): string {
    const b64 = (name: string) => fs.readFileSync(pkiFile(name)).toString("base64");
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: capstan-local",
        "  cluster:",
        `    server: ${server}`,
        `    certificate-authority-data: ${b64("ca.crt")}`,
        "users:",
        `- name: ${identity.user}`,
        "  user:",
        `    client-certificate-data: ${b64(`${identity.file}.crt`)}`,
        `    client-key-data: ${b64(`${identity.file}.key`)}`,
        "contexts:",
        "- name: capstan-local",
        "  context:",
        "    cluster: capstan-local",
        `    user: ${identity.user}`,
        "current-context: capstan-local",
        "",
    ].join("\n");
}
