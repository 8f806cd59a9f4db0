import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { subscribeRoom } from "@/server/workshop/room-feed";

export const dynamic = "force-dynamic";

/**
 * Server-sent events for the owner's dashboard: fresh facts about learners whose verdict, hints, solution or
 * activity changed. The room view route gives the starting point.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return jsonRoute(async () => {
    const { workshop } = await requireWorkshopOwner((await params).id, request);
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (chunk: string) => {
          try {
            controller.enqueue(encoder.encode(chunk));
          } catch {
            cleanup();
          }
        };
        send(": connected\n\n");
        const unsubscribe = subscribeRoom(workshop.id, (event) => send(`data: ${JSON.stringify(event)}\n\n`));
        // Comments keep proxies from closing an idle stream.
        const keepAlive = setInterval(() => send(": ping\n\n"), 25_000);
        cleanup = () => {
          clearInterval(keepAlive);
          unsubscribe();
        };
        request.signal.addEventListener("abort", () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        });
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive" },
    });
  });
}
