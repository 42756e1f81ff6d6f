/**
 * Chat Studio's panel beside the page: the conversation, each proposal as a card, and the box to ask
 * in. The assistant's proposals were checked on the server before they arrive here; this panel only
 * shows them and sends the person's choices.
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { ChatMessage, ChatView } from "../../protocol";
import { useStudio } from "../store";
import { ProposalCard } from "./ProposalCard";
import { useChat, type Chat } from "./useChat";

export function ChatPanel() {
  const chat = useChat();
  const { busy } = useStudio();
  const [text, setText] = useState("");
  const log = useRef<HTMLDivElement>(null);
  const view = chat.view;
  const thinking = chat.asking !== null || view?.thinking === true;

  // The newest message in view from its first line: a long proposal is read from its reply down.
  useEffect(() => {
    const messages = log.current?.querySelectorAll(".chat-message");
    messages?.[messages.length - 1]?.scrollIntoView({ block: "start" });
  }, [view?.messages.length, chat.asking]);

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const question = text.trim();
    if (!question || thinking) return;
    setText("");
    // A refused turn gives the words back, to send again.
    if (!(await chat.send(question))) setText(question);
  };
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) void send(event);
  };

  return (
    <aside className="chat" data-testid="chat-panel" data-thinking={thinking ? "true" : "false"}>
      <div className="chat-head">
        <h2>Chat</h2>
        {view?.configured && (
          <span className="muted small" data-testid="chat-model">
            {view.provider} · <code>{view.model}</code>
          </span>
        )}
      </div>
      <div className="chat-log" ref={log}>
        {view && !view.configured && <Unconfigured />}
        {view?.configured && view.messages.length === 0 && !chat.asking && (
          <p className="muted small">
            Describe what the app should do. Every proposal is loaded, compiled and judged by the Risk Engine before you see it, and
            changes nothing until you accept it.
          </p>
        )}
        {view?.messages.map((m, i) => <Message key={i} message={m} view={view} chat={chat} busy={busy} />)}
        {chat.asking && <div className="chat-message user">{chat.asking}</div>}
        {thinking && (
          <div className="chat-thinking" data-testid="chat-thinking">
            thinking…
          </div>
        )}
        {chat.failure && (
          <div className="chat-failure" role="alert" data-testid="chat-failure">
            {chat.failure}
          </div>
        )}
      </div>
      <form className="chat-compose" onSubmit={(e) => void send(e)}>
        <textarea
          data-testid="chat-input"
          rows={3}
          placeholder={view?.configured === false ? "No model configured" : "Ask for a change… (Enter sends, Shift+Enter a new line)"}
          value={text}
          disabled={view?.configured === false}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
        />
        <button type="submit" className="primary" data-testid="chat-send" disabled={!text.trim() || thinking || view?.configured === false}>
          Send
        </button>
      </form>
    </aside>
  );
}

function Message(props: { message: ChatMessage; view: ChatView; chat: Chat; busy: boolean }) {
  const { message, view, chat } = props;
  const proposal = message.proposalId ? view.proposals.find((p) => p.id === message.proposalId) : undefined;
  return (
    <div className={`chat-message ${message.role}`} data-testid={`chat-message-${message.role}`}>
      <div className="chat-text">{message.text}</div>
      {proposal && (
        <ProposalCard
          proposal={proposal}
          busy={props.busy}
          onAccept={(document) => void chat.accept(proposal.id, document)}
          onReject={(document) => void chat.reject(proposal.id, document)}
        />
      )}
    </div>
  );
}

function Unconfigured() {
  return (
    <div className="chat-unconfigured" data-testid="chat-unconfigured">
      <strong>No model configured.</strong> Start the studio with one (the key from the environment only):
      <div className="muted small">A hosted model</div>
      <pre className="sql">OPENAI_API_KEY=… fascia studio --provider openai --model gpt-4.1</pre>
      <div className="muted small">A local server (Ollama, vLLM, LM Studio)</div>
      <pre className="sql">fascia studio --provider openai --base-url http://127.0.0.1:11434/v1 --model …</pre>
      <span className="muted small">
        Or FASCIA_MODEL_PROVIDER, FASCIA_MODEL, FASCIA_MODEL_BASE_URL in the environment: docs/chat.md, “In the studio”.
      </span>
    </div>
  );
}
