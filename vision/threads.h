#ifdef __cplusplus
extern "C" {
#endif
void neckwatch_set_num_threads(int n);
int neckwatch_get_num_threads(void);
#ifdef __cplusplus
}
#endif
