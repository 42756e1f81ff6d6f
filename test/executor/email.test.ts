import { startLocalMail, type LocalMail } from "../../dev/local-mail";
import { createSmtpSender } from "../../executor/effects/email";
import { AttemptError } from "../../executor/errors/flow-error";

describe("email over SMTP, to the local mail catcher", () => {
  let mail: LocalMail;
  beforeAll(async () => (mail = await startLocalMail()));
  afterAll(() => mail.close());

  it("delivers the message with its subject and recipient", async () => {
    const send = createSmtpSender(mail.url);
    const result = await send(
      {
        to: "guest@example.com",
        from: "hotel@example.com",
        subject: "Your reservation is pending",
        body: "We hold room 101.",
        messageId: "<inv-1.sendConfirmation@fascia>",
      },
      2000,
    );
    expect(result.messageId).toBe("<inv-1.sendConfirmation@fascia>");
    const received = mail.messages();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ to: ["guest@example.com"], from: "hotel@example.com", subject: "Your reservation is pending" });
    expect(received[0]!.raw).toContain("We hold room 101.");
  });

  it("reports an unreachable server as retryable", async () => {
    const send = createSmtpSender("smtp://127.0.0.1:9");
    const error = await send({ to: "a@b.c", from: "x@y.z", subject: "s", body: "b", messageId: "<m@fascia>" }, 500).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AttemptError);
    expect(["unavailable", "timeout"]).toContain((error as AttemptError).failure);
  });
});
