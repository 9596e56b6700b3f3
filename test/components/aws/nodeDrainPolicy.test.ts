import { describe, expect, it } from "vitest";
import { drainQueuePolicy } from "../../../components/aws/nodeDrain";

describe("drain queue policy", () => {
    it("lets EventBridge send to the queue only on behalf of the drain rules", () => {
        const policy = JSON.parse(drainQueuePolicy("arn:aws:sqs:eu-west-1:1:q", ["arn:rule/a", "arn:rule/b"]));
        expect(policy.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: "arn:aws:sqs:eu-west-1:1:q",
                Condition: { ArnEquals: { "aws:SourceArn": ["arn:rule/a", "arn:rule/b"] } },
            },
        ]);
    });
});
