/* placeholder: header not written yet */
#ifndef PAPERGRAPH_CLUSTER_H
#define PAPERGRAPH_CLUSTER_H
#endif
