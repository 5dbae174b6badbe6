/** quiver's own operational endpoints (beyond the Milvus API), POST form for the app's route table. */
import type { RouteDef } from '../../route.ts';
import { statusRoute } from './status.ts';

export const statusRoutes: RouteDef[] = [statusRoute];
