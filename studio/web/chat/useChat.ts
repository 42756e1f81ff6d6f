/**
 * The chat as the panel holds it: the server's view, fetched again after every change of the app (an
 * undo can make an accepted document pending again), the question on its way while a turn runs, and
 * the actions. Accepting goes through the studio's store like an edit, so the header, the pages and
 * Undo follow it.
 */
import { useCallback, useEffect, useState } from "react";
import type { ChatView, Proposal } from "../../protocol";
import { useStudio } from "../store";
import { chatApi } from "./api";

export interface Chat {
  view: ChatView | null;
  /** The person's words while the assistant answers them (not in the server's history until the turn ends). */
  asking: string | null;
  /** Why the last turn or action was refused. */
  failure: string | null;
  send(text: string): Promise<boolean>;
  accept(proposal: string, document: string): Promise<void>;
  reject(proposal: string, document: string): Promise<void>;
}

export function useChat(): Chat {
  const studio = useStudio();
  const revision = studio.summary?.edits.revision;
  const [view, setView] = useState<ChatView | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const refresh = useCallback(() => chatApi.view().then(setView, (e: Error) => setFailure(e.message)), []);
  useEffect(() => void refresh(), [refresh, revision]);

  const replaceProposal = (proposal: Proposal) =>
    setView((v) => v && { ...v, proposals: v.proposals.map((p) => (p.id === proposal.id ? proposal : p)) });

  const send = async (text: string): Promise<boolean> => {
    setAsking(text);
    setFailure(null);
    try {
      await chatApi.send(text);
      return true;
    } catch (e) {
      setFailure((e as Error).message);
      return false;
    } finally {
      setAsking(null);
      await refresh();
    }
  };

  const accept = async (proposal: string, document: string) => {
    const answer = await studio.perform(() => chatApi.accept(proposal, document));
    if (answer) replaceProposal(answer.proposal);
  };

  const reject = async (proposal: string, document: string) => {
    try {
      replaceProposal((await chatApi.reject(proposal, document)).proposal);
    } catch (e) {
      setFailure((e as Error).message);
    }
  };

  return { view, asking, failure, send, accept, reject };
}
