import type { LayoutServerLoad } from './$types';

/** The signed-in principal (name, role, scope: nothing secret) for the header and the pages' filters. */
export const load: LayoutServerLoad = ({ locals }) => ({ principal: locals.principal });
