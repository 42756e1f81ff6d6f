/** The chat's routes (studio/protocol.ts lists them): the conversation, one turn, and a proposal's documents accepted or rejected. */
import type { FastifyInstance } from "fastify";
import type { ChatConversation } from "./conversation";

export function registerChatRoutes(server: FastifyInstance, chat: ChatConversation): void {
  type DocumentParams = { Params: { id: string; docId: string } };
  server.get("/api/chat", async () => chat.view());
  server.post<{ Body: { text?: unknown } | null }>("/api/chat/messages", async (request) => chat.ask(request.body?.text));
  server.post<DocumentParams>("/api/chat/proposals/:id/documents/:docId/accept", async (request) =>
    chat.accept(request.params.id, request.params.docId),
  );
  server.post<DocumentParams>("/api/chat/proposals/:id/documents/:docId/reject", async (request) =>
    chat.reject(request.params.id, request.params.docId),
  );
}
