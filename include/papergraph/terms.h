/* placeholder: header not written yet */
#ifndef PAPERGRAPH_TERMS_H
#define PAPERGRAPH_TERMS_H
#endif
