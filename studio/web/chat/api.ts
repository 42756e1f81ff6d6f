/** The chat's routes of the studio's server (studio/protocol.ts). */
import type { AcceptAnswer, AssistantTurn, ChatView, ProposalAnswer } from "../../protocol";
import { call } from "../api";

const documentPath = (proposal: string, document: string, action: "accept" | "reject") =>
  `/api/chat/proposals/${encodeURIComponent(proposal)}/documents/${encodeURIComponent(document)}/${action}`;

export const chatApi = {
  view: () => call<ChatView>("GET", "/api/chat"),
  send: (text: string) => call<AssistantTurn>("POST", "/api/chat/messages", { text }),
  accept: (proposal: string, document: string) => call<AcceptAnswer>("POST", documentPath(proposal, document, "accept"), {}),
  reject: (proposal: string, document: string) => call<ProposalAnswer>("POST", documentPath(proposal, document, "reject"), {}),
};
