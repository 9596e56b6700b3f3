/**
 * The known name a mistyped one most likely meant, for "did you mean ...?": the closest by edit
 * distance (a swap of two neighbouring letters counts as one edit), within a third of the name's
 * length (at least one edit, at most three), ignoring case. None when two are equally close or
 * nothing is close enough: a guess that is likely wrong helps less than the list of names.
 */
export function nearestName(typed: string, known: readonly string[]): string | undefined {
    const word = typed.toLowerCase();
    const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
    let best: string | undefined;
    let bestDistance = Infinity;
    let tie = false;
    for (const name of known) {
        if (name === typed) continue;
        const d = editDistance(word, name.toLowerCase());
        if (d < bestDistance) [best, bestDistance, tie] = [name, d, false];
        else if (d === bestDistance) tie = true;
    }
    return best !== undefined && bestDistance <= limit && !tie ? best : undefined;
}

/** Insertions, deletions, substitutions and swaps of neighbours that turn `a` into `b` (optimal string alignment). */
export function editDistance(a: string, b: string): number {
    const rows: number[][] = [];
    for (let i = 0; i <= a.length; i++) {
        rows.push([i]);
        for (let j = 1; j <= b.length; j++) {
            if (i === 0) {
                rows[0].push(j);
                continue;
            }
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d = Math.min(d, rows[i - 2][j - 2] + 1);
            rows[i].push(d);
        }
    }
    return rows[a.length][b.length];
}
