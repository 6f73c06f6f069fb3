/* placeholder: header not written yet */
#ifndef PAPERGRAPH_DRAW_H
#define PAPERGRAPH_DRAW_H
#endif
