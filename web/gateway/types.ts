/** The gateway's typed Socket.IO server and socket, from the event map in contracts/realtime.ts. */
import type { Server, Socket } from 'socket.io';
import type { Principal } from '../../contracts/access.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime.ts';

/** What the gateway keeps on each authenticated socket. */
export interface SocketData {
  principal: Principal;
  /** The token's id for logs (`api:<jti>`, `ticket:<jti>`, `root`), never the token. */
  tokenRef: string;
  /** Epoch ms when the token expires; null for the root token. */
  expiresAt: number | null;
  /** Bumped by every subscribe/unsubscribe, so a replay that finishes after a newer request drops itself. */
  generation: number;
  /** ack/resolve requests of this socket awaiting the engine's answer. */
  inFlight?: number;
}

export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
