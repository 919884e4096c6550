/* config.json, process.json and resources parsing: every field lands, every
 * malformed input fails with one line naming its JSON path. */
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "oci/config.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* `runc spec` (runc 1.1.5), byte for byte minus whitespace. */
static const char runc_default[] =
    "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},"
    "\"a"
    "rgs\":[\"sh\"],\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin"
    ":/bin\",\"TERM=xterm\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":[\"CAP_AUDIT_WRITE\",\"CA"
    "P_KILL\",\"CAP_NET_BIND_SERVICE\"],\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_N"
    "ET_BIND_SERVICE\"],\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVIC"
    "E\"],\"ambient\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},\"rlimits\":["
    "{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],\"noNewPrivileges\":true},\"root\""
    ":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"runc\",\"mounts\":[{\"destination\":"
    "\"/"
    "proc\",\"type\":\"proc\",\"source\":\"proc\"},{\"destination\":\"/"
    "dev\",\"type\":\"tmpfs\",\"sourc"
    "e\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},{\"destin"
    "ation\":\"/dev/"
    "pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec\""
    ",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},{\"destination\":\"/dev/shm\",\""
    "type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode="
    "1777\",\"s"
    "ize=65536k\"]},{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"op"
    "tions\":[\"nosuid\",\"noexec\",\"nodev\"]},{\"destination\":\"/"
    "sys\",\"type\":\"sysfs\",\"source"
    "\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},{\"destination\":\"/sys/fs/"
    "cg"
    "roup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"nosuid\",\"noexec\",\"nodev\","
    "\"re"
    "latime\",\"ro\"]}],\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}"
    "]"
    "},\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":"
    "\"uts\"},"
    "{\"type\":\"mount\"}],\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/pro"
    "c/keys\",\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sche"
    "d_debug\",\"/sys/firmware\",\"/proc/scsi\"],\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\""
    "/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]}}";

/* JSON written with ' for " so the fixtures stay readable. */
static char *q(const char *s)
{
    char *out = xstrdup(s);
    for (char *c = out; *c != '\0'; c++) {
        if (*c == '\'')
            *c = '"';
    }
    return out;
}

/* Parses s (in ' notation); returns the error text or NULL on success. */
static char *parse_err(const char *s)
{
    _cleanup_free_ char *json = q(s);
    oci_config *c = NULL;
    nk_error *err = NULL;
    if (oci_config_parse(json, strlen(json), &c, &err) == 0) {
        oci_config_free(c);
        return NULL;
    }
    char *msg = xstrdup(nk_error_text(err));
    nk_error_free(err);
    return msg;
}

static oci_config *parse_ok(const char *s, char **errmsg)
{
    _cleanup_free_ char *json = q(s);
    oci_config *c = NULL;
    nk_error *err = NULL;
    *errmsg = NULL;
    if (oci_config_parse(json, strlen(json), &c, &err) < 0) {
        *errmsg = xstrdup(nk_error_text(err));
        nk_error_free(err);
        return NULL;
    }
    return c;
}

TEST(runc_default_spec_parses)
{
    oci_config *c = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_config_parse(runc_default, strlen(runc_default), &c, &err) == 0);
    CHECK_STREQ(c->oci_version, "1.0.2-dev");
    CHECK_STREQ(c->root.path, "rootfs");
    CHECK(c->root.readonly);
    CHECK_STREQ(c->hostname, "runc");
    CHECK(c->domainname == NULL);
    CHECK(c->has_process);
    oci_process *p = &c->process;
    CHECK(p->terminal);
    CHECK(!p->has_console_size);
    CHECK(p->user.uid == 0 && p->user.gid == 0 && !p->user.has_umask);
    CHECK(p->args.len == 1 && p->args.v[1] == NULL);
    CHECK_STREQ(p->args.v[0], "sh");
    CHECK(p->env.len == 2);
    CHECK_STREQ(p->env.v[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    CHECK_STREQ(p->env.v[1], "TERM=xterm");
    CHECK_STREQ(p->cwd, "/");
    CHECK(p->has_capabilities);
    CHECK(p->capabilities.has_bounding && p->capabilities.bounding.len == 3);
    CHECK_STREQ(p->capabilities.bounding.v[2], "CAP_NET_BIND_SERVICE");
    CHECK(p->capabilities.has_effective && p->capabilities.effective.len == 3);
    CHECK(p->capabilities.has_permitted && p->capabilities.permitted.len == 3);
    CHECK(p->capabilities.has_ambient && p->capabilities.ambient.len == 3);
    CHECK(!p->capabilities.has_inheritable && p->capabilities.inheritable.v == NULL);
    CHECK(p->n_rlimits == 1);
    CHECK_STREQ(p->rlimits[0].type, "RLIMIT_NOFILE");
    CHECK(p->rlimits[0].resource == RLIMIT_NOFILE);
    CHECK(p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 1024);
    CHECK(p->no_new_privileges);
    CHECK(!p->has_oom_score_adj && !p->has_scheduler && !p->has_io_priority);
    CHECK(c->n_mounts == 7);
    CHECK_STREQ(c->mounts[0].destination, "/proc");
    CHECK_STREQ(c->mounts[0].type, "proc");
    CHECK_STREQ(c->mounts[0].source, "proc");
    CHECK(c->mounts[0].options.len == 0 && c->mounts[0].options.v == NULL);
    CHECK_STREQ(c->mounts[2].destination, "/dev/pts");
    CHECK(c->mounts[2].options.len == 6);
    CHECK_STREQ(c->mounts[2].options.v[5], "gid=5");
    CHECK_STREQ(c->mounts[6].destination, "/sys/fs/cgroup");
    CHECK_STREQ(c->mounts[6].options.v[4], "ro");
    CHECK(!c->has_hooks);
    CHECK(c->annotations.len == 0);
    CHECK(c->has_linux);
    oci_linux *l = &c->linux;
    CHECK(l->has_resources);
    CHECK(l->resources.n_devices == 1);
    CHECK(!l->resources.devices[0].allow);
    CHECK(l->resources.devices[0].type == 0);
    CHECK(!l->resources.devices[0].has_major && !l->resources.devices[0].has_minor);
    CHECK_STREQ(l->resources.devices[0].access, "rwm");
    CHECK(!l->resources.has_memory && !l->resources.has_cpu && !l->resources.has_pids);
    CHECK(l->n_namespaces == 5);
    CHECK(l->namespaces[0].type == OCI_NS_PID && l->namespaces[0].path == NULL);
    CHECK(l->namespaces[1].type == OCI_NS_NETWORK);
    CHECK(l->namespaces[4].type == OCI_NS_MOUNT);
    CHECK(oci_config_namespace(c, OCI_NS_UTS) == &l->namespaces[3]);
    CHECK(oci_config_namespace(c, OCI_NS_USER) == NULL);
    CHECK(l->masked_paths.len == 10);
    CHECK_STREQ(l->masked_paths.v[0], "/proc/acpi");
    CHECK_STREQ(l->masked_paths.v[9], "/proc/scsi");
    CHECK(l->readonly_paths.len == 5);
    CHECK_STREQ(l->readonly_paths.v[4], "/proc/sysrq-trigger");
    CHECK(!l->has_seccomp && l->n_uid_mappings == 0 && l->cgroups_path == NULL);
    oci_config_free(c);
}

TEST(ns_type_names)
{
    CHECK_STREQ(oci_ns_type_name(OCI_NS_PID), "pid");
    CHECK_STREQ(oci_ns_type_name(OCI_NS_NETWORK), "network");
    CHECK_STREQ(oci_ns_type_name(OCI_NS_MOUNT), "mount");
    CHECK_STREQ(oci_ns_type_name(OCI_NS_IPC), "ipc");
    CHECK_STREQ(oci_ns_type_name(OCI_NS_UTS), "uts");
    CHECK_STREQ(oci_ns_type_name(OCI_NS_USER), "user");
    CHECK_STREQ(oci_ns_type_name(OCI_NS_CGROUP), "cgroup");
    CHECK_STREQ(oci_ns_type_name(OCI_NS_TIME), "time");
}

/* Every field of the spec that nook models, once. */
static const char full_config[] =
    "{'ociVersion':'1.3.0','root':{'path':'/bundle/rootfs'},"
    "'hostname':'h','domainname':'d.example',"
    "'process':{'terminal':false,'consoleSize':{'height':24,'width':80},"
    " 'user':{'uid':1000,'gid':1001,'umask':18,'additionalGids':[5,4294967294],'username':'u'},"
    " 'args':['/bin/true','-x'],'commandLine':'true -x','env':['A=1'],'cwd':'/work',"
    " 'capabilities':{'bounding':['CAP_CHOWN'],'effective':[],'inheritable':['CAP_KILL'],"
    "   'permitted':['CAP_CHOWN'],'ambient':[]},"
    " 'rlimits':[{'type':'RLIMIT_CORE','soft':0,'hard':18446744073709551615},"
    "   {'type':'RLIMIT_NPROC','soft':10,'hard':20}],"
    " 'noNewPrivileges':true,'apparmorProfile':'aa','oomScoreAdj':-1000,'selinuxLabel':'sl',"
    " 'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':7},"
    " 'scheduler':{'policy':'SCHED_DEADLINE','nice':-20,'priority':3,"
    "   'flags':['SCHED_FLAG_RESET_ON_FORK'],'runtime':100,'deadline':200,'period':300},"
    " 'execCPUAffinity':{'initial':'0-3','final':'7'}},"
    "'mounts':[{'destination':'/data','type':'bind','source':'/srv','options':['rbind','ro'],"
    " 'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
    " 'gidMappings':[{'containerID':1,'hostID':2,'size':3}]}],"
    "'hooks':{'prestart':[{'path':'/bin/a'}],'createRuntime':[{'path':'/bin/b','args':['b','1'],"
    " 'env':['X=1'],'timeout':5}],'createContainer':[{'path':'/c'}],"
    " 'startContainer':[{'path':'/d'}],'poststart':[{'path':'/e'}],'poststop':[{'path':'/f'},"
    " {'path':'/g'}]},"
    "'annotations':{'org.example.a':'1','b':'two'},"
    "'linux':{"
    " 'namespaces':[{'type':'pid'},{'type':'network','path':'/proc/1/ns/net'},{'type':'mount'},"
    "  {'type':'ipc'},{'type':'uts'},{'type':'user'},{'type':'cgroup'},{'type':'time'}],"
    " 'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
    " 'gidMappings':[{'containerID':0,'hostID':1001,'size':2}],"
    " 'timeOffsets':{'monotonic':{'secs':-5,'nanosecs':10},'boottime':{'secs':9223372036854775807}}"
    ","
    " 'devices':[{'type':'c','path':'/dev/fuse','major':10,'minor':229,'fileMode':438,'uid':0,"
    "  'gid':0},{'type':'p','path':'/dev/fifo'}],"
    " 'cgroupsPath':'/nook/c1','rootfsPropagation':'rslave',"
    " 'resources':{'devices':[{'allow':false,'access':'rwm'},{'allow':true,'type':'c',"
    "   'major':-1,'minor':3,'access':'rw'}],"
    "  'memory':{'limit':9223372036854775807,'reservation':1,'swap':-1,'kernel':2,'kernelTCP':3,"
    "   'swappiness':18446744073709551615,'disableOOMKiller':true,'useHierarchy':false,"
    "   'checkBeforeUpdate':true},"
    "  'cpu':{'shares':1024,'quota':-1,'burst':5,'period':100000,'realtimeRuntime':-9,"
    "   'realtimePeriod':7,'cpus':'0-1','mems':'0','idle':1},"
    "  'pids':{'limit':-1},"
    "  "
    "'blockIO':{'weight':10,'leafWeight':1000,'weightDevice':[{'major':8,'minor':0,'weight':500}],"
    "   'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':18446744073709551615}],"
    "   'throttleWriteBpsDevice':[{'major':8,'minor':1,'rate':2}],"
    "   'throttleReadIOPSDevice':[{'major':8,'minor':2,'rate':3}],"
    "   'throttleWriteIOPSDevice':[{'major':8,'minor':3,'rate':4}]},"
    "  'hugepageLimits':[{'pageSize':'2MB','limit':1048576}],"
    "  'network':{'classID':4294967295,'priorities':[{'name':'eth0','priority':5}]},"
    "  'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000}},"
    "  'unified':{'memory.high':'max','io.weight':'100'}},"
    " 'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,"
    "  'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X32'],'flags':['SECCOMP_FILTER_FLAG_LOG'],"
    "  'listenerPath':'/run/l.sock','listenerMetadata':'m',"
    "  'syscalls':[{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
    "   {'names':['personality'],'action':'SCMP_ACT_ERRNO','errnoRet':1,"
    "    "
    "'args':[{'index':0,'value':18446744073709551615,'valueTwo':4,'op':'SCMP_CMP_MASKED_EQ'}]}]},"
    " 'sysctl':{'net.ipv4.ip_forward':'1'},"
    " 'maskedPaths':['/proc/kcore'],'readonlyPaths':['/proc/sys'],'mountLabel':'ml',"
    " 'intelRdt':{'closID':'g','l3CacheSchema':'L3:0=f','memBwSchema':'MB:0=20',"
    "  'schemata':['L2:0=3'],'enableMonitoring':true},"
    " 'personality':{'domain':'LINUX32','flags':[]},"
    " 'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0-1','flags':['MPOL_F_STATIC_NODES']},"
    " 'netDevices':{'eth1':{'name':'ceth1'},'eth2':{}}}}";

TEST(full_config_process_and_mounts)
{
    _cleanup_free_ char *msg = NULL;
    _cleanup_config_ oci_config *c = parse_ok(full_config, &msg);
    CHECK_STREQ(msg ? msg : "", "");
    CHECK_STREQ(c->domainname, "d.example");
    oci_process *p = &c->process;
    CHECK(!p->terminal && p->has_console_size);
    CHECK(p->console_height == 24 && p->console_width == 80);
    CHECK(p->user.uid == 1000 && p->user.gid == 1001 && p->user.has_umask && p->user.umask == 18);
    CHECK(p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 4294967294u);
    CHECK_STREQ(p->user.username, "u");
    CHECK(p->args.len == 2);
    CHECK_STREQ(p->args.v[1], "-x");
    CHECK_STREQ(p->command_line, "true -x");
    CHECK_STREQ(p->cwd, "/work");
    CHECK(p->capabilities.has_effective && p->capabilities.effective.len == 0);
    CHECK(p->capabilities.effective.v != NULL && p->capabilities.effective.v[0] == NULL);
    CHECK_STREQ(p->capabilities.inheritable.v[0], "CAP_KILL");
    CHECK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_CORE);
    CHECK(p->rlimits[0].hard == UINT64_MAX);
    CHECK(p->rlimits[1].resource == RLIMIT_NPROC && p->rlimits[1].soft == 10);
    CHECK_STREQ(p->apparmor_profile, "aa");
    CHECK(p->has_oom_score_adj && p->oom_score_adj == -1000);
    CHECK_STREQ(p->selinux_label, "sl");
    CHECK(p->has_io_priority && p->io_priority.class_value == 3 && p->io_priority.priority == 7);
    CHECK(p->has_scheduler && p->scheduler.policy_value == 6);
    CHECK(p->scheduler.has_nice && p->scheduler.nice == -20);
    CHECK(p->scheduler.has_priority && p->scheduler.priority == 3);
    CHECK(p->scheduler.flags.len == 1 && p->scheduler.has_period && p->scheduler.period == 300);
    CHECK(p->scheduler.runtime == 100 && p->scheduler.deadline == 200);
    CHECK(p->has_exec_cpu_affinity);
    CHECK_STREQ(p->exec_cpu_affinity.initial, "0-3");
    CHECK_STREQ(p->exec_cpu_affinity.final, "7");
    CHECK(c->n_mounts == 1 && c->mounts[0].n_uid_mappings == 1 && c->mounts[0].n_gid_mappings == 1);
    CHECK(c->mounts[0].uid_mappings[0].host_id == 100000 &&
          c->mounts[0].uid_mappings[0].size == 65536);
    CHECK(c->mounts[0].gid_mappings[0].container_id == 1);
    CHECK(c->has_hooks && c->hooks.prestart.len == 1 && c->hooks.poststop.len == 2);
    CHECK(!c->hooks.prestart.items[0].has_timeout);
    CHECK(c->hooks.create_runtime.items[0].has_timeout &&
          c->hooks.create_runtime.items[0].timeout == 5);
    CHECK_STREQ(c->hooks.create_runtime.items[0].args.v[1], "1");
    CHECK_STREQ(c->hooks.create_runtime.items[0].env.v[0], "X=1");
    CHECK_STREQ(c->hooks.create_container.items[0].path, "/c");
    CHECK_STREQ(c->hooks.start_container.items[0].path, "/d");
    CHECK_STREQ(c->hooks.poststart.items[0].path, "/e");
    CHECK_STREQ(c->hooks.poststop.items[1].path, "/g");
    CHECK(c->annotations.len == 2);
    CHECK_STREQ(c->annotations.items[0].key, "org.example.a");
    CHECK_STREQ(c->annotations.items[1].value, "two");
}

TEST(full_config_linux)
{
    _cleanup_free_ char *msg = NULL;
    _cleanup_config_ oci_config *c = parse_ok(full_config, &msg);
    CHECK_STREQ(msg ? msg : "", "");
    oci_linux *l = &c->linux;
    CHECK(l->n_namespaces == 8 && l->namespaces[7].type == OCI_NS_TIME);
    CHECK_STREQ(oci_config_namespace(c, OCI_NS_NETWORK)->path, "/proc/1/ns/net");
    CHECK(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 1000);
    CHECK(l->n_gid_mappings == 1 && l->gid_mappings[0].size == 2);
    CHECK(l->time_monotonic.set && l->time_monotonic.secs == -5 &&
          l->time_monotonic.nanosecs == 10);
    CHECK(l->time_boottime.set && l->time_boottime.secs == INT64_MAX);
    CHECK(l->n_devices == 2 && l->devices[0].type == 'c' && l->devices[0].major == 10);
    CHECK(l->devices[0].minor == 229 && l->devices[0].has_file_mode &&
          l->devices[0].file_mode == 438);
    CHECK(l->devices[0].has_uid && l->devices[0].has_gid);
    CHECK(l->devices[1].type == 'p' && !l->devices[1].has_file_mode);
    CHECK_STREQ(l->cgroups_path, "/nook/c1");
    CHECK_STREQ(l->rootfs_propagation, "rslave");
    CHECK(l->sysctl.len == 1);
    CHECK_STREQ(l->sysctl.items[0].key, "net.ipv4.ip_forward");
    CHECK_STREQ(l->masked_paths.v[0], "/proc/kcore");
    CHECK_STREQ(l->readonly_paths.v[0], "/proc/sys");
    CHECK_STREQ(l->mount_label, "ml");
    CHECK(l->has_intel_rdt && l->intel_rdt.enable_monitoring);
    CHECK_STREQ(l->intel_rdt.clos_id, "g");
    CHECK_STREQ(l->intel_rdt.l3_cache_schema, "L3:0=f");
    CHECK_STREQ(l->intel_rdt.mem_bw_schema, "MB:0=20");
    CHECK_STREQ(l->intel_rdt.schemata.v[0], "L2:0=3");
    CHECK(l->has_personality);
    CHECK_STREQ(l->personality.domain, "LINUX32");
    CHECK(l->has_memory_policy && l->memory_policy.flags.len == 1);
    CHECK_STREQ(l->memory_policy.mode, "MPOL_BIND");
    CHECK_STREQ(l->memory_policy.nodes, "0-1");
    CHECK(l->n_net_devices == 2);
    CHECK_STREQ(l->net_devices[0].host_name, "eth1");
    CHECK_STREQ(l->net_devices[0].name, "ceth1");
    CHECK(l->net_devices[1].name == NULL);
}

TEST(full_config_resources_and_seccomp)
{
    _cleanup_free_ char *msg = NULL;
    _cleanup_config_ oci_config *c = parse_ok(full_config, &msg);
    CHECK_STREQ(msg ? msg : "", "");
    oci_resources *r = &c->linux.resources;
    CHECK(r->n_devices == 2 && r->devices[1].allow && r->devices[1].type == 'c');
    CHECK(r->devices[1].has_major && r->devices[1].major == -1 && r->devices[1].minor == 3);
    CHECK(r->has_memory && r->memory.has_limit && r->memory.limit == INT64_MAX);
    CHECK(r->memory.has_swap && r->memory.swap == -1 && r->memory.kernel_tcp == 3);
    CHECK(r->memory.has_swappiness && r->memory.swappiness == UINT64_MAX);
    CHECK(r->memory.has_disable_oom_killer && r->memory.disable_oom_killer);
    CHECK(r->memory.has_use_hierarchy && !r->memory.use_hierarchy);
    CHECK(r->memory.has_check_before_update && r->memory.check_before_update);
    CHECK(r->has_cpu && r->cpu.shares == 1024 && r->cpu.quota == -1 && r->cpu.burst == 5);
    CHECK(r->cpu.period == 100000 && r->cpu.realtime_runtime == -9 && r->cpu.realtime_period == 7);
    CHECK(r->cpu.has_idle && r->cpu.idle == 1);
    CHECK_STREQ(r->cpu.cpus, "0-1");
    CHECK_STREQ(r->cpu.mems, "0");
    CHECK(r->has_pids && r->has_pids_limit && r->pids_limit == -1);
    CHECK(r->has_blockio && r->blockio.weight == 10 && r->blockio.leaf_weight == 1000);
    CHECK(r->blockio.n_weight_device == 1 && r->blockio.weight_device[0].weight == 500);
    CHECK(!r->blockio.weight_device[0].has_leaf_weight);
    CHECK(r->blockio.throttle_read_bps.len == 1);
    CHECK(r->blockio.throttle_read_bps.items[0].rate == UINT64_MAX);
    CHECK(r->blockio.throttle_write_iops.items[0].minor == 3);
    CHECK(r->n_hugepage_limits == 1 && r->hugepage_limits[0].limit == 1048576);
    CHECK_STREQ(r->hugepage_limits[0].page_size, "2MB");
    CHECK(r->has_network && r->has_class_id && r->net_class_id == UINT32_MAX);
    CHECK(r->n_net_priorities == 1 && r->net_priorities[0].priority == 5);
    CHECK(r->n_rdma == 1 && r->rdma[0].hca_objects == 10000);
    CHECK_STREQ(r->rdma[0].device, "mlx5_1");
    CHECK(r->unified.len == 2);
    CHECK_STREQ(r->unified.items[1].key, "io.weight");
    oci_seccomp *s = &c->linux.seccomp;
    CHECK(c->linux.has_seccomp);
    CHECK_STREQ(s->default_action, "SCMP_ACT_ERRNO");
    CHECK(s->has_default_errno_ret && s->default_errno_ret == 38);
    CHECK(s->architectures.len == 2 && s->flags.len == 1);
    CHECK_STREQ(s->listener_path, "/run/l.sock");
    CHECK_STREQ(s->listener_metadata, "m");
    CHECK(s->n_syscalls == 2 && s->syscalls[0].names.len == 2);
    CHECK(!s->syscalls[0].has_errno_ret && s->syscalls[1].errno_ret == 1);
    CHECK(s->syscalls[1].n_args == 1 && s->syscalls[1].args[0].value == UINT64_MAX);
    CHECK(s->syscalls[1].args[0].value_two == 4);
    CHECK_STREQ(s->syscalls[1].args[0].op, "SCMP_CMP_MASKED_EQ");
}

TEST(unknown_keys_ignored)
{
    _cleanup_free_ char *msg = NULL;
    _cleanup_config_ oci_config *c =
        parse_ok("{'ociVersion':'1.3.0','future':{'x':[1,2,{}]},'root':{'path':'r','new':1},"
                 "'process':{'args':['a'],'cwd':'/','extra':null,'user':{'uid':1,'sid':'x'}},"
                 "'windows':{'layerFolders':7},'vm':{},'linux':{'namespaces':[{'type':'pid',"
                 "'unknown':true}],'somethingNew':[]}}",
                 &msg);
    CHECK_STREQ(msg ? msg : "", "");
    CHECK(c->process.user.uid == 1);
    CHECK(c->linux.n_namespaces == 1);
}

TEST(null_means_absent)
{
    _cleanup_free_ char *msg = NULL;
    _cleanup_config_ oci_config *c =
        parse_ok("{'ociVersion':'1','root':{'path':'r'},'hostname':null,'process':null,"
                 "'linux':{'resources':null,'seccomp':null,'maskedPaths':null}}",
                 &msg);
    CHECK_STREQ(msg ? msg : "", "");
    CHECK(c->hostname == NULL && !c->has_process);
    CHECK(c->has_linux && !c->linux.has_resources && !c->linux.has_seccomp);
}

TEST(uint64_above_int64_max_kept_exactly)
{
    _cleanup_free_ char *msg = NULL;
    _cleanup_config_ oci_config *c =
        parse_ok("{'ociVersion':'1','root':{'path':'r'},'process':{'args':['a'],'cwd':'/',"
                 "'rlimits':[{'type':'RLIMIT_AS','soft':9223372036854775808,"
                 "'hard':18446744073709551615}]},'linux':{'resources':{'memory':"
                 "{'swappiness':12345678901234567890}}}}",
                 &msg);
    CHECK_STREQ(msg ? msg : "", "");
    CHECK(c->process.rlimits[0].soft == 9223372036854775808ull);
    CHECK(c->process.rlimits[0].hard == 18446744073709551615ull);
    CHECK(c->linux.resources.memory.swappiness == 12345678901234567890ull);
}

TEST(duplicate_key_last_wins)
{
    _cleanup_free_ char *msg = NULL;
    _cleanup_config_ oci_config *c =
        parse_ok("{'ociVersion':'1','root':{'path':'a'},'root':{'path':'b'}}", &msg);
    CHECK_STREQ(msg ? msg : "", "");
    CHECK_STREQ(c->root.path, "b");
}

TEST(load_missing_file)
{
    oci_config *c = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_config_load("/nonexistent/nook/config.json", &c, &err) < 0);
    CHECK(c == NULL);
    CHECK_STREQ(nk_error_text(err),
                "open `/nonexistent/nook/config.json`: No such file or directory");
}

TEST(process_json)
{
    const char *json = "{\"args\":[\"ls\"],\"cwd\":\"/tmp\",\"terminal\":true}";
    oci_process *p = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_process_parse(json, strlen(json), &p, &err) == 0);
    CHECK(p->terminal);
    CHECK_STREQ(p->args.v[0], "ls");
    oci_process_free(p);
    p = NULL;
    const char *bad = "{\"args\":[],\"cwd\":\"/\"}";
    CHECK(oci_process_parse(bad, strlen(bad), &p, &err) < 0);
    CHECK_STREQ(nk_error_text(err), "process.json: args: must not be empty");
    nk_error_free(err);
    err = NULL;
    const char *bad2 = "{\"args\":[\"a\"],\"cwd\":\"/\",\"user\":{\"uid\":-1}}";
    CHECK(oci_process_parse(bad2, strlen(bad2), &p, &err) < 0);
    CHECK_STREQ(nk_error_text(err),
                "process.json: user.uid: must be an integer between 0 and 4294967294");
}

TEST(resources_json)
{
    const char *json = "{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":10},"
                       "\"cpu\":{\"cpus\":\"0\"}}";
    oci_resources *r = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_resources_parse(json, strlen(json), &r, &err) == 0);
    CHECK(r->has_memory && r->memory.limit == 1048576 && r->pids_limit == 10);
    CHECK_STREQ(r->cpu.cpus, "0");
    oci_resources_free(r);
    r = NULL;
    const char *bad = "{\"memory\":{\"limit\":\"1G\"}}";
    CHECK(oci_resources_parse(bad, strlen(bad), &r, &err) < 0);
    CHECK_STREQ(nk_error_text(err), "resources: memory.limit: must be an integer between "
                                    "-9223372036854775808 and 9223372036854775807");
    nk_error_free(err);
    err = NULL;
    CHECK(oci_resources_parse("[]", 2, &r, &err) < 0);
    CHECK_STREQ(nk_error_text(err), "resources: must be a JSON object");
}

/* ---------- malformed inputs ---------- */

/* A config that is valid until `extra` is spliced in. */
#define CFG(extra)  "{'ociVersion':'1.3.0','root':{'path':'rootfs'}" extra "}"
#define PROC(extra) ",'process':{'args':['sh'],'cwd':'/'" extra "}"
#define LNX(extra)  ",'linux':{" extra "}"

static char *bad_result; /* the last error, for a readable failure line */

/* The error must be exactly one line starting "config.json: " and contain
 * want (the JSON path and the reason). */
#define BAD(name, json, want)                                                                      \
    TEST(bad_##name)                                                                               \
    {                                                                                              \
        free(bad_result);                                                                          \
        bad_result = parse_err(json);                                                              \
        CHECK(bad_result != NULL);                                                                 \
        CHECK(strchr(bad_result, '\n') == NULL);                                                   \
        CHECK(strncmp(bad_result, "config.json: ", 13) == 0);                                      \
        CHECK_CONTAINS(bad_result, want);                                                          \
    }

BAD(empty_input, "", "config.json: invalid JSON: ")
BAD(truncated, "{'ociVersion':'1'", "config.json: invalid JSON: ")
BAD(trailing_garbage, CFG("") "x", "config.json: invalid JSON: ")
BAD(lexical_error, "{'ociVersion':'1',}", "config.json: invalid JSON: ")
BAD(not_an_object, "[1,2]", "config.json: must be a JSON object")
BAD(deep_nesting,
    "{'x':[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
    "}",
    "config.json: invalid JSON: nested deeper than")
BAD(nul_escape, CFG(",'hostname':'a\\u0000b'"), "config.json: invalid JSON: \\u0000")
BAD(missing_oci_version, "{'root':{'path':'r'}}", "config.json: ociVersion: is required")
BAD(oci_version_number, "{'ociVersion':1,'root':{'path':'r'}}",
    "config.json: ociVersion: must be a string")
BAD(missing_root, "{'ociVersion':'1'}", "config.json: root.path: is required")
BAD(missing_root_path, "{'ociVersion':'1','root':{'readonly':true}}",
    "config.json: root.path: is required")
BAD(root_not_object, "{'ociVersion':'1','root':'rootfs'}", "config.json: root: must be an object")
BAD(root_readonly_string, "{'ociVersion':'1','root':{'path':'r','readonly':'yes'}}",
    "config.json: root.readonly: must be a boolean")
BAD(hostname_number, CFG(",'hostname':7"), "config.json: hostname: must be a string")
BAD(process_array, CFG(",'process':[]"), "config.json: process: must be an object")
BAD(missing_args, CFG(",'process':{'cwd':'/'}"), "config.json: process.args: is required")
BAD(empty_args, CFG(",'process':{'args':[],'cwd':'/'}"),
    "config.json: process.args: must not be empty")
BAD(args_not_strings, CFG(",'process':{'args':['a',1],'cwd':'/'}"),
    "config.json: process.args[1]: must be a string")
BAD(missing_cwd, CFG(",'process':{'args':['a']}"), "config.json: process.cwd: is required")
BAD(relative_cwd, CFG(",'process':{'args':['a'],'cwd':'tmp'}"),
    "config.json: process.cwd: must be an absolute path")
BAD(terminal_string, CFG(PROC(",'terminal':'true'")),
    "config.json: process.terminal: must be a boolean")
BAD(env_not_array, CFG(PROC(",'env':'A=1'")), "config.json: process.env: must be an array")
BAD(uid_2_32, CFG(PROC(",'user':{'uid':4294967296}")),
    "config.json: process.user.uid: must be an integer between 0 and 4294967294")
BAD(uid_minus_one, CFG(PROC(",'user':{'uid':4294967295}")),
    "config.json: process.user.uid: must be an integer between 0 and 4294967294")
BAD(gid_negative, CFG(PROC(",'user':{'gid':-1}")),
    "config.json: process.user.gid: must be an integer between 0 and 4294967294")
BAD(uid_float, CFG(PROC(",'user':{'uid':1.5}")),
    "config.json: process.user.uid: must be an integer")
BAD(uid_exponent, CFG(PROC(",'user':{'uid':1e3}")),
    "config.json: process.user.uid: must be an integer")
BAD(umask_too_big, CFG(PROC(",'user':{'umask':512}")),
    "config.json: process.user.umask: must be an integer between 0 and 511")
BAD(additional_gid, CFG(PROC(",'user':{'additionalGids':[1,'x']}")),
    "config.json: process.user.additionalGids[1]: must be an integer")
BAD(console_size_missing_width, CFG(PROC(",'consoleSize':{'height':1}")),
    "config.json: process.consoleSize.width: is required")
BAD(rlimit_unknown, CFG(PROC(",'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]")),
    "config.json: process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"")
BAD(rlimit_duplicate,
    CFG(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},"
             "{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]")),
    "config.json: process.rlimits[1].type: duplicate rlimit type \"RLIMIT_NOFILE\"")
BAD(rlimit_soft_gt_hard, CFG(PROC(",'rlimits':[{'type':'RLIMIT_CORE','soft':2,'hard':1}]")),
    "config.json: process.rlimits[0].soft: must not be greater than hard")
BAD(rlimit_missing_hard, CFG(PROC(",'rlimits':[{'type':'RLIMIT_CORE','soft':2}]")),
    "config.json: process.rlimits[0].hard: is required")
BAD(rlimit_huge,
    CFG(PROC(",'rlimits':[{'type':'RLIMIT_CORE','soft':1,'hard':18446744073709551616}]")),
    "config.json: process.rlimits[0].hard: must be an integer between 0 and 18446744073709551615")
BAD(rlimit_negative, CFG(PROC(",'rlimits':[{'type':'RLIMIT_CORE','soft':-1,'hard':1}]")),
    "config.json: process.rlimits[0].soft: must be an integer between 0 and 18446744073709551615")
BAD(oom_score_adj_1001, CFG(PROC(",'oomScoreAdj':1001")),
    "config.json: process.oomScoreAdj: must be an integer between -1000 and 1000")
BAD(oom_score_adj_huge, CFG(PROC(",'oomScoreAdj':-99999999999999999999999")),
    "config.json: process.oomScoreAdj: must be an integer between -1000 and 1000")
BAD(capabilities_not_list, CFG(PROC(",'capabilities':{'bounding':'CAP_KILL'}")),
    "config.json: process.capabilities.bounding: must be an array")
BAD(io_priority_class, CFG(PROC(",'ioPriority':{'class':'IOPRIO_CLASS_NONE'}")),
    "config.json: process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\"")
BAD(scheduler_policy, CFG(PROC(",'scheduler':{'policy':'SCHED_FAST'}")),
    "config.json: process.scheduler.policy: unknown policy \"SCHED_FAST\"")
BAD(scheduler_nice_int32, CFG(PROC(",'scheduler':{'policy':'SCHED_OTHER','priority':2147483648}")),
    "config.json: process.scheduler.priority: must be an integer between -2147483648 and "
    "2147483647")
BAD(mount_relative_destination, CFG(",'mounts':[{'destination':'/a'},{'destination':'proc'}]"),
    "config.json: mounts[1].destination: must be an absolute path")
BAD(mount_missing_destination, CFG(",'mounts':[{'type':'tmpfs'}]"),
    "config.json: mounts[0].destination: is required")
BAD(mount_options_number, CFG(",'mounts':[{'destination':'/a','options':['ro',3]}]"),
    "config.json: mounts[0].options[1]: must be a string")
BAD(mount_mapping_missing_size,
    CFG(",'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1}]}]"),
    "config.json: mounts[0].uidMappings[0].size: is required")
BAD(mounts_object, CFG(",'mounts':{}"), "config.json: mounts: must be an array")
BAD(hook_relative_path, CFG(",'hooks':{'poststart':[{'path':'bin/x'}]}"),
    "config.json: hooks.poststart[0].path: must be an absolute path")
BAD(hook_timeout_zero, CFG(",'hooks':{'createRuntime':[{'path':'/x','timeout':0}]}"),
    "config.json: hooks.createRuntime[0].timeout: must be an integer between 1 and")
BAD(hook_missing_path, CFG(",'hooks':{'prestart':[{'args':['x']}]}"),
    "config.json: hooks.prestart[0].path: is required")
BAD(annotation_number, CFG(",'annotations':{'org.x':1}"),
    "config.json: annotations[\"org.x\"]: must be a string")
BAD(unknown_ns_type, CFG(LNX("'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'foo'}]")),
    "config.json: linux.namespaces[2].type: unknown namespace type \"foo\"")
BAD(dup_ns_type, CFG(LNX("'namespaces':[{'type':'pid'},{'type':'pid'}]")),
    "config.json: linux.namespaces[1].type: duplicate namespace type \"pid\"")
BAD(ns_missing_type, CFG(LNX("'namespaces':[{'path':'/proc/1/ns/pid'}]")),
    "config.json: linux.namespaces[0].type: is required")
BAD(uid_mapping_missing_host, CFG(LNX("'uidMappings':[{'containerID':0,'size':1}]")),
    "config.json: linux.uidMappings[0].hostID: is required")
BAD(gid_mapping_negative, CFG(LNX("'gidMappings':[{'containerID':0,'hostID':-5,'size':1}]")),
    "config.json: linux.gidMappings[0].hostID: must be an integer between 0 and 4294967295")
BAD(bad_device_type, CFG(LNX("'devices':[{'type':'x','path':'/dev/x'}]")),
    "config.json: linux.devices[0].type: unknown device type \"x\"")
BAD(device_missing_major, CFG(LNX("'devices':[{'type':'c','path':'/dev/x','minor':1}]")),
    "config.json: linux.devices[0].major: is required")
BAD(device_relative_path, CFG(LNX("'devices':[{'type':'p','path':'dev/x'}]")),
    "config.json: linux.devices[0].path: must be an absolute path")
BAD(rootfs_propagation, CFG(LNX("'rootfsPropagation':'sideways'")),
    "config.json: linux.rootfsPropagation: unknown propagation \"sideways\"")
BAD(time_offset_clock, CFG(LNX("'timeOffsets':{'realtime':{'secs':1}}")),
    "config.json: linux.timeOffsets.realtime: unknown clock \"realtime\"")
BAD(sysctl_number, CFG(LNX("'sysctl':{'net.ipv4.ip_forward':1}")),
    "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: must be a string")
BAD(memory_limit_string, CFG(LNX("'resources':{'memory':{'limit':'1G'}}")),
    "config.json: linux.resources.memory.limit: must be an integer")
BAD(memory_limit_huge, CFG(LNX("'resources':{'memory':{'limit':9223372036854775808}}")),
    "config.json: linux.resources.memory.limit: must be an integer between")
BAD(cpu_shares_negative, CFG(LNX("'resources':{'cpu':{'shares':-2}}")),
    "config.json: linux.resources.cpu.shares: must be an integer between 0 and")
BAD(blkio_weight_u16, CFG(LNX("'resources':{'blockIO':{'weight':65536}}")),
    "config.json: linux.resources.blockIO.weight: must be an integer between 0 and 65535")
BAD(throttle_missing_rate,
    CFG(LNX("'resources':{'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0}]}}")),
    "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].rate: is required")
BAD(device_cgroup_missing_allow, CFG(LNX("'resources':{'devices':[{'access':'rwm'}]}")),
    "config.json: linux.resources.devices[0].allow: is required")
BAD(device_cgroup_access, CFG(LNX("'resources':{'devices':[{'allow':true,'access':'rwx'}]}")),
    "config.json: linux.resources.devices[0].access: must only contain r, w and m")
BAD(hugepage_missing_size, CFG(LNX("'resources':{'hugepageLimits':[{'limit':1}]}")),
    "config.json: linux.resources.hugepageLimits[0].pageSize: is required")
BAD(rdma_handles, CFG(LNX("'resources':{'rdma':{'mlx':{'hcaHandles':true}}}")),
    "config.json: linux.resources.rdma.mlx.hcaHandles: must be an integer")
BAD(unified_number, CFG(LNX("'resources':{'unified':{'memory.max':5}}")),
    "config.json: linux.resources.unified[\"memory.max\"]: must be a string")
BAD(class_id_u32, CFG(LNX("'resources':{'network':{'classID':4294967296}}")),
    "config.json: linux.resources.network.classID: must be an integer between 0 and 4294967295")
BAD(seccomp_default_action, CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_MAYBE'}")),
    "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_MAYBE\"")
BAD(seccomp_missing_default, CFG(LNX("'seccomp':{'syscalls':[]}")),
    "config.json: linux.seccomp.defaultAction: is required")
BAD(seccomp_action,
    CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],"
            "'action':'ALLOW'}]}")),
    "config.json: linux.seccomp.syscalls[0].action: unknown action \"ALLOW\"")
BAD(seccomp_op,
    CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],"
            "'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,'op':'SCMP_CMP_XX'}]}]}")),
    "config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_XX\"")
BAD(seccomp_arg_index,
    CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],"
            "'action':'SCMP_ACT_ERRNO','args':[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]}")),
    "config.json: linux.seccomp.syscalls[0].args[0].index: must be an integer between 0 and 5")
BAD(seccomp_arch,
    CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86',"
            "'SCMP_ARCH_Z80']}")),
    "config.json: linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"")
BAD(seccomp_flag,
    CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_FAST']}")),
    "config.json: linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\"")
BAD(errno_ret_with_allow,
    CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_KILL','syscalls':[{'names':['a'],"
            "'action':'SCMP_ACT_ALLOW','errnoRet':1}]}")),
    "config.json: linux.seccomp.syscalls[0].errnoRet: only allowed with SCMP_ACT_ERRNO or "
    "SCMP_ACT_TRACE")
BAD(default_errno_ret_with_kill,
    CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_KILL','defaultErrnoRet':1}")),
    "config.json: linux.seccomp.defaultErrnoRet: only allowed with")
BAD(seccomp_empty_names,
    CFG(LNX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],"
            "'action':'SCMP_ACT_ERRNO'}]}")),
    "config.json: linux.seccomp.syscalls[0].names: must not be empty")
BAD(personality_domain, CFG(LNX("'personality':{'domain':'BSD'}")),
    "config.json: linux.personality.domain: unknown domain \"BSD\"")
BAD(memory_policy_flag, CFG(LNX("'memoryPolicy':{'mode':'MPOL_BIND','flags':['MPOL_F_X']}")),
    "config.json: linux.memoryPolicy.flags[0]: unknown flag \"MPOL_F_X\"")
BAD(net_device_name, CFG(LNX("'netDevices':{'eth0':{'name':0}}")),
    "config.json: linux.netDevices.eth0.name: must be a string")
BAD(intel_rdt_monitoring, CFG(LNX("'intelRdt':{'enableMonitoring':1}")),
    "config.json: linux.intelRdt.enableMonitoring: must be a boolean")
BAD(masked_paths_nested, CFG(LNX("'maskedPaths':[['/proc']]")),
    "config.json: linux.maskedPaths[0]: must be a string")
BAD(newline_in_key_kept_one_line, CFG(",'annotations':{'a\\nb':2}"),
    "config.json: annotations[\"a b\"]: must be a string")

/* Garbage of many shapes: whatever it is, parsing must fail or succeed
 * cleanly (ASan/UBSan catch the rest). */
TEST(junk_never_crashes)
{
    static const char *junk[] = {
        "{",
        "}",
        "{}",
        "null",
        "0",
        "\"x\"",
        "{'ociVersion':null}",
        "{'root':[]}",
        "{'ociVersion':'1','root':{'path':''}}",
        "{'ociVersion':'1','root':{'path':'r'},'linux':7}",
        "{'ociVersion':'1','root':{'path':'r'},'linux':{'namespaces':[7]}}",
        "{'ociVersion':'1','root':{'path':'r'},'linux':{'timeOffsets':{'monotonic':5}}}",
        "{'ociVersion':'1','root':{'path':'r'},'linux':{'resources':{'rdma':[]}}}",
        "{'ociVersion':'1','root':{'path':'r'},'process':{'args':['a'],'cwd':'/','rlimits':[1]}}",
        "{'ociVersion':'1','root':{'path':'r'},'hooks':{'prestart':[null]}}",
        "{'a':-}",
        "{'a':1.}",
        "{'a':--1}",
        "{'a':01}",
        "{\"\xff\":1}",
        "/* c */ {}",
    };
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        _cleanup_free_ char *e = parse_err(junk[i]);
        CHECK(e != NULL);
        CHECK(strchr(e, '\n') == NULL);
        CHECK(strncmp(e, "config.json: ", 13) == 0);
    }
    /* a NUL byte inside the buffer must not cut the document short */
    static const char with_nul[] = "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"}}\0garbage";
    oci_config *c = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_config_parse(with_nul, sizeof(with_nul) - 1, &c, &err) < 0);
    CHECK_STREQ(nk_error_text(err), "config.json: invalid JSON: NUL byte in input");
}
