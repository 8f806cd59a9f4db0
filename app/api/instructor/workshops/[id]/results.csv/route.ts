import { NO_STORE, withWorkshopOwner } from "@/server/http/route-guards";
import { exportRoomResults } from "@/server/instructor/export-room-results";
import { roomSettingsOf } from "@/server/instructor/room-settings-query";

export const dynamic = "force-dynamic";

/** The room's results as a CSV file, one line per learner; only for the workshop's owner. */
export const GET = withWorkshopOwner(async ({ lab, instructor, workshop, request }) => {
  const { csv, fileName } = await exportRoomResults(lab, instructor, workshop, roomSettingsOf(request));
  const disposition = `attachment; filename="results.csv"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
  return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": disposition, ...NO_STORE } });
});
