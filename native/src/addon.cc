// SPDX-License-Identifier: BSD-3-Clause
/* addon.cc: the Node binding of recorder.h, thin: one method per entry point. Errors become
 * JS Errors whose `code` is the errno name. Every recorder still open when the environment
 * goes away is closed (BPF detached) by a cleanup hook. */
#include <napi.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <memory>
#include <mutex>
#include <string>
#include <set>
#include <vector>
#include <bpf/libbpf.h>
#include "recorder.h"
#include "signals.h"

namespace {

/* An Error "what: detail" (detail: the core's "<verb> <object>: <strerror>", else strerror). */
Napi::Error ErrnoError(Napi::Env env, int err, const std::string &what, const std::string &detail)
{
	err = err < 0 ? -err : err;
	char msg[128];
	libbpf_strerror(err, msg, sizeof(msg));	/* errnos, and libbpf's own (4000+) */
	const char *name = strerrorname_np(err);
	Napi::Error e = Napi::Error::New(env, what + ": " + (detail.empty() ? std::string(msg) : detail));
	e.Set("code", Napi::String::New(env, name ? name : err >= 4000 ? "ELIBBPF" : "EUNKNOWN"));
	e.Set("errno", Napi::Number::New(env, err));
	return e;
}

extern "C" char **environ;

/* The same, with what the core said about the failure that just happened on this thread. */
Napi::Error ErrnoError(Napi::Env env, int err, const std::string &what)
{
	return ErrnoError(env, err, what, vlt_last_error());
}

Napi::Object StatsObject(Napi::Env env, const vlt_stats &st)
{
	Napi::Object o = Napi::Object::New(env);
	o.Set("events", Napi::Number::New(env, (double)st.events));
	o.Set("written", Napi::Number::New(env, (double)st.written));
	o.Set("lost", Napi::Number::New(env, (double)st.lost));
	o.Set("bytes", Napi::Number::New(env, (double)st.bytes));
	o.Set("deferred", Napi::Number::New(env, (double)st.deferred));
	Napi::Array types = Napi::Array::New(env, VLT_NTYPES);
	for (uint32_t i = 0; i < VLT_NTYPES; i++)
		types.Set(i, Napi::Number::New(env, (double)st.by_type[i]));
	o.Set("byType", types);
	Napi::Array lost = Napi::Array::New(env, st.ncpus);
	for (uint32_t i = 0; i < st.ncpus; i++)
		lost.Set(i, Napi::Number::New(env, (double)st.lost_per_cpu[i]));
	o.Set("lostPerCpu", lost);
	o.Set("drainCpuNs", Napi::Number::New(env, (double)st.drain_cpu_ns));
	o.Set("writeError", Napi::Number::New(env, st.write_error));
	o.Set("running", Napi::Boolean::New(env, st.running));
	return o;
}

class Recorder;
std::set<Recorder *> live;	/* closed by the env cleanup hook */

class Recorder : public Napi::ObjectWrap<Recorder> {
public:
	static Napi::Function Init(Napi::Env env)
	{
		return DefineClass(env, "Recorder", {
			InstanceMethod("setSyscalls", &Recorder::SetSyscalls),
			InstanceMethod("addPid", &Recorder::AddPid),
			InstanceMethod("start", &Recorder::Start),
			InstanceMethod("stop", &Recorder::Stop),
			InstanceMethod("stats", &Recorder::Stats),
			InstanceMethod("close", &Recorder::Close),
			InstanceMethod("ready", &Recorder::Ready),
		});
	}

	/* new Recorder(config): vlt_open, here or (config.background) on a worker thread while
	 * JS goes on; ready() then settles when the BPF object is loaded (or failed to load). */
	Recorder(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Recorder>(info)
	{
		Napi::Env env = info.Env();
		Napi::Object c = info[0].As<Napi::Object>();
		if (c.Get("objPath").IsString()) {
			obj_ = c.Get("objPath").As<Napi::String>().Utf8Value();
			cfg_.obj_path = obj_.c_str();
		}
		cfg_.ring_size = c.Get("ringSize").As<Napi::Number>().Int64Value();
		cfg_.system_wide = c.Get("systemWide").ToBoolean();
		cfg_.follow_forks = c.Get("followForks").ToBoolean();
		cfg_.failed_only = c.Get("failedOnly").ToBoolean();
		cfg_.subreaper = c.Get("subreaper").ToBoolean();
		cfg_.debug = c.Get("debug").ToBoolean();
		cfg_.str_mode = c.Get("strMode").As<Napi::Number>().Uint32Value();
		cfg_.str_chunks = c.Get("strChunks").As<Napi::Number>().Uint32Value();
		if (c.Get("dataLimit").IsNumber())
			cfg_.data_limit = c.Get("dataLimit").As<Napi::Number>().Uint32Value();
		if (c.Get("syscalls").IsTypedArray()) {	/* else setSyscalls() before start() */
			Napi::Uint32Array sc = c.Get("syscalls").As<Napi::Uint32Array>();
			sc_.assign(sc.Data(), sc.Data() + sc.ElementLength());	/* owned: the load may run later */
			cfg_.sc_conf = sc_.data();
			cfg_.sc_conf_len = sc_.size();
			cfg_.unknown_conf = c.Get("unknownConf").As<Napi::Number>().Uint32Value();
		}
		if (c.Get("onIdle").IsFunction()) {
			tsfn_ = Napi::ThreadSafeFunction::New(env, c.Get("onIdle").As<Napi::Function>(),
							      "vltrace-idle", 0, 1);
			has_tsfn_ = true;
			cfg_.on_idle = OnIdle;
			cfg_.ctx = this;
		}
		if (c.Get("background").ToBoolean()) {
			LoadWorker *w = new LoadWorker(env, this);
			ready_ = Napi::Persistent(w->Promise());
			w->Queue();
			return;
		}
		int err = vlt_open(&cfg_, &rec_);
		if (err) {
			ReleaseTsfn();
			ErrnoError(env, err, "cannot load the eBPF recorder").ThrowAsJavaScriptException();
			return;
		}
		live.insert(this);
	}

	~Recorder() { Shutdown(); }

	/* Detaches and frees: from close(), the finalizer or the env cleanup hook. */
	void Shutdown()
	{
		live.erase(this);
		if (loading_) {
			close_when_loaded_ = true;	/* nothing is attached before start() */
			return;
		}
		if (stopping_)
			return;	/* the StopWorker finishes; the fds close with the process anyway */
		vlt_close(rec_);
		rec_ = nullptr;
		ReleaseTsfn();
	}

private:
	vlt_recorder *rec_ = nullptr;
	vlt_config cfg_ = {};
	std::string obj_;
	std::vector<__u32> sc_;
	bool loading_ = false;		/* a LoadWorker is running vlt_open */
	bool close_when_loaded_ = false;	/* close() came while loading */
	Napi::Reference<Napi::Promise> ready_;
	bool stopping_ = false;		/* a StopWorker owns rec_ until it is done */
	Napi::ThreadSafeFunction tsfn_;
	bool has_tsfn_ = false;

	void ReleaseTsfn()
	{
		if (has_tsfn_)
			tsfn_.Release();
		has_tsfn_ = false;
	}

	/* drain thread -> JS: onIdle(errno) */
	static void OnIdle(void *ctx, int err)
	{
		Recorder *self = static_cast<Recorder *>(ctx);
		if (!self->has_tsfn_)
			return;
		self->tsfn_.NonBlockingCall([err](Napi::Env env, Napi::Function cb) {
			cb.Call({ Napi::Number::New(env, err) });
		});
	}

	bool Check(const Napi::CallbackInfo &info)
	{
		if (rec_ && !stopping_)
			return true;
		Napi::Error::New(info.Env(), loading_ ? "recorder is loading" : rec_ ? "recorder is stopping" :
				 "recorder is closed").ThrowAsJavaScriptException();
		return false;
	}

	/* ready() -> the promise of a background load (resolved at once otherwise) */
	Napi::Value Ready(const Napi::CallbackInfo &info)
	{
		if (!ready_.IsEmpty())
			return ready_.Value();
		Napi::Promise::Deferred d = Napi::Promise::Deferred::New(info.Env());
		d.Resolve(info.Env().Undefined());
		return d.Promise();
	}

	/* vlt_open off the JS thread: libbpf parses the kernel's BTF and the verifier checks the
	 * programs (~25 ms) while JS builds the header and the prologue. The sampling profiler's
	 * signals (node --cpu-prof) also stay away from the verifier, which gives up (EAGAIN)
	 * when a signal is pending. */
	class LoadWorker : public Napi::AsyncWorker {
	public:
		LoadWorker(Napi::Env env, Recorder *self)
			: Napi::AsyncWorker(env), self_(self), deferred_(Napi::Promise::Deferred::New(env))
		{
			self_->Ref();	/* alive until the worker is done */
			self_->loading_ = true;
		}
		Napi::Promise Promise() { return deferred_.Promise(); }
		void Execute() override
		{
			err_ = vlt_open(&self_->cfg_, &rec_);
			if (err_)
				detail_ = vlt_last_error();	/* this thread's */
		}
		void OnOK() override
		{
			Napi::Env env = Env();
			self_->loading_ = false;
			if (err_) {
				self_->ReleaseTsfn();
				deferred_.Reject(ErrnoError(env, err_, "cannot load the eBPF recorder", detail_).Value());
			} else if (self_->close_when_loaded_) {
				vlt_close(rec_);
				self_->ReleaseTsfn();
				deferred_.Reject(Napi::Error::New(env, "recorder is closed").Value());
			} else {
				self_->rec_ = rec_;
				live.insert(self_);
				deferred_.Resolve(env.Undefined());
			}
			self_->Unref();
		}

	private:
		Recorder *self_;
		Napi::Promise::Deferred deferred_;
		vlt_recorder *rec_ = nullptr;
		int err_ = 0;
		std::string detail_;
	};

	/* setSyscalls(conf: Uint32Array, unknownConf, captures?: Uint32Array) */
	Napi::Value SetSyscalls(const Napi::CallbackInfo &info)
	{
		if (!Check(info))
			return info.Env().Undefined();
		Napi::Uint32Array sc = info[0].As<Napi::Uint32Array>();
		int err = vlt_set_syscalls(rec_, sc.Data(), sc.ElementLength(), info[1].As<Napi::Number>().Uint32Value());
		if (!err && info.Length() > 2 && info[2].IsTypedArray()) {
			Napi::Uint32Array caps = info[2].As<Napi::Uint32Array>();
			err = vlt_set_captures(rec_, caps.Data(), caps.ElementLength());
		}
		if (err)
			ErrnoError(info.Env(), err, "cannot set the traced syscalls").ThrowAsJavaScriptException();
		return info.Env().Undefined();
	}

	Napi::Value AddPid(const Napi::CallbackInfo &info)
	{
		if (!Check(info))
			return info.Env().Undefined();
		int err = vlt_add_pid(rec_, info[0].As<Napi::Number>().Uint32Value(), info[1].ToBoolean());
		if (err)
			ErrnoError(info.Env(), err, "cannot trace pid").ThrowAsJavaScriptException();
		return info.Env().Undefined();
	}

	/* start(fd, headerBytes, prologueBytes, prologuePackets) */
	Napi::Value Start(const Napi::CallbackInfo &info)
	{
		if (!Check(info))
			return info.Env().Undefined();
		Napi::Uint8Array h = info[1].As<Napi::Uint8Array>();
		Napi::Uint8Array p = info[2].As<Napi::Uint8Array>();
		int err = vlt_start(rec_, info[0].As<Napi::Number>().Int32Value(), h.Data(), h.ByteLength(),
				    p.Data(), p.ByteLength(), info[3].As<Napi::Number>().Int64Value());
		if (err)
			ErrnoError(info.Env(), err, "cannot start recording").ThrowAsJavaScriptException();
		return info.Env().Undefined();
	}

	/* stop(interrupted) -> Promise<stats>: off the JS thread, which may be the one reading
	 * the output pipe (-l text) that the final drain writes to */
	Napi::Value Stop(const Napi::CallbackInfo &info)
	{
		if (!Check(info))
			return info.Env().Undefined();
		StopWorker *w = new StopWorker(info.Env(), this, info[0].ToBoolean());
		Napi::Promise p = w->Promise();
		w->Queue();
		return p;
	}

	class StopWorker : public Napi::AsyncWorker {
	public:
		StopWorker(Napi::Env env, Recorder *self, bool interrupted)
			: Napi::AsyncWorker(env), self_(self), interrupted_(interrupted),
			  deferred_(Napi::Promise::Deferred::New(env))
		{
			self_->Ref();	/* alive until the worker is done */
			self_->stopping_ = true;
		}
		Napi::Promise Promise() { return deferred_.Promise(); }
		void Execute() override { err_ = vlt_stop(self_->rec_, interrupted_, &st_); }
		void OnOK() override
		{
			Napi::Object o = StatsObject(Env(), st_);
			o.Set("error", Napi::Number::New(Env(), err_ < 0 ? -err_ : 0));
			self_->stopping_ = false;
			self_->ReleaseTsfn();
			self_->Unref();
			deferred_.Resolve(o);
		}

	private:
		Recorder *self_;
		bool interrupted_;
		Napi::Promise::Deferred deferred_;
		vlt_stats st_ = {};
		int err_ = 0;
	};

	Napi::Value Stats(const Napi::CallbackInfo &info)
	{
		if (!Check(info))
			return info.Env().Undefined();
		static vlt_stats st;
		vlt_get_stats(rec_, &st);
		return StatsObject(info.Env(), st);
	}

	Napi::Value Close(const Napi::CallbackInfo &info)
	{
		if (stopping_) {
			Napi::Error::New(info.Env(), "recorder is stopping").ThrowAsJavaScriptException();
			return info.Env().Undefined();
		}
		Shutdown();
		return info.Env().Undefined();
	}
};

void CollectName(const char *name, void *ctx)
{
	static_cast<std::vector<std::string> *>(ctx)->push_back(name);
}

/* listBtfFuncs() -> string[]: the FUNC names of the kernel's BTF (-R) */
Napi::Value ListBtfFuncs(const Napi::CallbackInfo &info)
{
	std::vector<std::string> names;
	int err = vlt_list_btf_funcs(CollectName, &names);
	if (err) {
		ErrnoError(info.Env(), err, "cannot read kernel BTF").ThrowAsJavaScriptException();
		return info.Env().Undefined();
	}
	Napi::Array a = Napi::Array::New(info.Env(), names.size());
	for (size_t i = 0; i < names.size(); i++)
		a.Set(i, Napi::String::New(info.Env(), names[i]));
	return a;
}

/* pipe() -> [readFd, writeFd], 1 MiB: the bin stream of a live -l text/hex recording */
Napi::Value Pipe(const Napi::CallbackInfo &info)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC)) {
		ErrnoError(info.Env(), errno, "cannot create pipe").ThrowAsJavaScriptException();
		return info.Env().Undefined();
	}
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);	/* best effort */
	Napi::Array a = Napi::Array::New(info.Env(), 2);
	a.Set(0u, Napi::Number::New(info.Env(), fds[0]));
	a.Set(1u, Napi::Number::New(info.Env(), fds[1]));
	return a;
}

/* watchSignal(signo) -> boolean: handle signo in front of Node's handler (after process.on) */
Napi::Value WatchSignal(const Napi::CallbackInfo &info)
{
	return Napi::Boolean::New(info.Env(), vlt_watch_signal(info[0].As<Napi::Number>().Int32Value()) == 0);
}

/* armSignals(ms, note) -> boolean: from now on the first watched signal goes on to the
 * command, the second ends the process ms later, the third at once (signals.h) */
Napi::Value ArmSignals(const Napi::CallbackInfo &info)
{
	std::string note = info[1].As<Napi::String>().Utf8Value();
	return Napi::Boolean::New(info.Env(), vlt_signal_arm(info[0].As<Napi::Number>().Uint32Value(), note.c_str()) == 0);
}

/* signalCommand(pid): the command the first signal goes on to; 0 once it ended */
Napi::Value SignalCommand(const Napi::CallbackInfo &info)
{
	vlt_signal_command(info[0].As<Napi::Number>().Int32Value());
	return info.Env().Undefined();
}

/* signalForwarded() -> pid the first signal went on to, 0 none, -1 the command had it already */
Napi::Value SignalForwarded(const Napi::CallbackInfo &info)
{
	return Napi::Number::New(info.Env(), vlt_signal_forwarded());
}

Napi::Value DisarmSignals(const Napi::CallbackInfo &info)
{
	vlt_signal_disarm();
	return info.Env().Undefined();
}

/* The command's start (vlt-start, which waits on its fd 3 for the go): posix_spawn, not
 * child_process, whose import and fork of the whole Node process cost ~10-30 ms of the JS
 * thread in front of the first traced syscall; a thread of its own waits for its end. */
/* Whether Node's environment is going away (its cleanup hook ran): its thread-safe functions
 * must not be called any more. One per environment (a worker thread has its own). */
struct EnvState {
	std::mutex lock;
	bool gone = false;
};

struct CommandWatch {
	std::shared_ptr<EnvState> env;
	std::mutex lock;
	pid_t pid = 0;
	Napi::ThreadSafeFunction tsfn;
	bool released = false;	/* the thread is done with tsfn */
};

/* vlt-start's descriptor of the go pipe (record.ts GO_FD) */
const int GO_FD = 3;

/* The descriptors this process inherited (open without close-on-exec when the addon was first
 * loaded, before any BPF load began), as vlt-start's --keep-fds list: the command inherits
 * these and none that a library opened without close-on-exec while it was being started. */
std::string inherited_fds;
std::once_flag inherited_once;

void NoteInheritedFds()
{
	std::string list = "0,1,2";
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			char *end;
			long fd = strtol(e->d_name, &end, 10);
			if (*end || end == e->d_name || fd <= 2 || fd == dirfd(d))
				continue;
			int fl = fcntl((int)fd, F_GETFD);
			if (fl >= 0 && !(fl & FD_CLOEXEC))
				list += "," + std::to_string(fd);
		}
		closedir(d);
	}
	inherited_fds = "--keep-fds=" + list;
}

void *WaitCommand(void *arg)
{
	std::shared_ptr<CommandWatch> *held = static_cast<std::shared_ptr<CommandWatch> *>(arg);
	std::shared_ptr<CommandWatch> w = *held;
	delete held;
	int status = 0;
	pid_t got;
	do
		got = waitpid(w->pid, &status, 0);
	while (got < 0 && errno == EINTR);
	/* the exit status as a shell gives it: the code, or 128 + the signal that killed it */
	int code = got < 0 ? 128 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	std::lock_guard<std::mutex> e(w->env->lock);
	std::lock_guard<std::mutex> g(w->lock);
	if (!w->env->gone) {
		w->tsfn.NonBlockingCall([code](Napi::Env env, Napi::Function cb) {
			cb.Call({ Napi::Number::New(env, code) });
		});
		w->tsfn.Release();
	}
	w->released = true;
	return nullptr;
}

/* startCommand(file, argv, onExit) -> { pid, go, unref }: runs file (vlt-start) with argv
 * (argv[0] included; vlt-start's --keep-fds=… is put after it), the standard descriptors inherited, the read end of a new pipe as fd 3;
 * `go` is the write end (close-on-exec here). Signals start with their default actions and
 * unblocked, as libuv's children do (Node ignores SIGPIPE). onExit(status) comes once, with
 * the exit code or 128 + the signal; unref() lets Node exit while the command runs on. */
Napi::Value StartCommand(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string file = info[0].As<Napi::String>().Utf8Value();
	Napi::Array args = info[1].As<Napi::Array>();
	std::vector<std::string> strs;
	for (uint32_t i = 0; i < args.Length(); i++)
		strs.push_back(args.Get(i).As<Napi::String>().Utf8Value());
	if (!strs.empty())
		strs.insert(strs.begin() + 1, inherited_fds);
	std::vector<char *> argv;
	for (std::string &a : strs)
		argv.push_back(&a[0]);
	argv.push_back(nullptr);

	int fds[2];
	if (pipe2(fds, O_CLOEXEC)) {
		ErrnoError(env, errno, "spawn " + file, "cannot create pipe").ThrowAsJavaScriptException();
		return env.Undefined();
	}
	/* above fd 3, so that the dup2 below always makes a descriptor without close-on-exec */
	int rfd = fds[0];
	if (rfd <= GO_FD) {
		rfd = fcntl(fds[0], F_DUPFD_CLOEXEC, GO_FD + 1);
		int saved = errno;
		close(fds[0]);
		if (rfd < 0) {
			close(fds[1]);
			ErrnoError(env, saved, "spawn " + file, "cannot create pipe").ThrowAsJavaScriptException();
			return env.Undefined();
		}
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	posix_spawn_file_actions_init(&fa);
	/* The standard descriptors as libuv gives them to its children: inherited (Node marks its
	 * own close-on-exec; a dup2 onto itself clears that in the child), and blocking (they share
	 * their file descriptions with Node's, which may have made a pipe non-blocking) */
	for (int fd = 0; fd <= 2; fd++) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0)
			continue;
		if (fl & O_NONBLOCK)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		posix_spawn_file_actions_adddup2(&fa, fd, fd);
	}
	posix_spawn_file_actions_adddup2(&fa, rfd, GO_FD);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	/* every signal to its default, glibc's own two (32, 33) too: sigfillset leaves them out,
	 * and posix_spawn would then make them ignored in the command, which exec keeps */
	memset(&all, 0xff, sizeof(all));
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int err = posix_spawn(&pid, file.c_str(), &fa, &at, argv.data(), environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(rfd);
	if (err) {
		close(fds[1]);
		ErrnoError(env, err, "spawn " + file).ThrowAsJavaScriptException();
		return env.Undefined();
	}

	auto w = std::make_shared<CommandWatch>();
	w->env = *env.GetInstanceData<std::shared_ptr<EnvState>>();
	w->pid = pid;
	w->tsfn = Napi::ThreadSafeFunction::New(env, info[2].As<Napi::Function>(), "vltrace-command", 0, 1);
	pthread_t t;
	pthread_attr_t ta;
	pthread_attr_init(&ta);
	pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&ta, 64 << 10);
	auto *held = new std::shared_ptr<CommandWatch>(w);
	err = pthread_create(&t, &ta, WaitCommand, held);
	pthread_attr_destroy(&ta);
	if (err) {
		/* nothing would ever see its end: it reads end-of-file on fd 3 and exits unrun */
		delete held;
		close(fds[1]);
		w->tsfn.Release();
		waitpid(pid, nullptr, 0);
		ErrnoError(env, err, "spawn " + file, "cannot start a thread").ThrowAsJavaScriptException();
		return env.Undefined();
	}
	Napi::Object o = Napi::Object::New(env);
	o.Set("pid", Napi::Number::New(env, pid));
	o.Set("go", Napi::Number::New(env, fds[1]));
	o.Set("unref", Napi::Function::New(env, [w](const Napi::CallbackInfo &ci) {
		std::lock_guard<std::mutex> g(w->lock);
		if (!w->released)
			w->tsfn.Unref(ci.Env());
	}));
	return o;
}

void Cleanup(void *arg)
{
	{
		std::shared_ptr<EnvState> *held = static_cast<std::shared_ptr<EnvState> *>(arg);
		std::shared_ptr<EnvState> st = *held;
		delete held;
		std::lock_guard<std::mutex> e(st->lock);
		st->gone = true;
	}
	/* never leave BPF attached when Node exits */
	while (!live.empty())
		(*live.begin())->Shutdown();
}

Napi::Object Init(Napi::Env env, Napi::Object exports)
{
	std::call_once(inherited_once, NoteInheritedFds);
	exports.Set("Recorder", Recorder::Init(env));
	exports.Set("pipe", Napi::Function::New(env, Pipe));
	exports.Set("startCommand", Napi::Function::New(env, StartCommand));
	exports.Set("listBtfFuncs", Napi::Function::New(env, ListBtfFuncs));
	exports.Set("watchSignal", Napi::Function::New(env, WatchSignal));
	exports.Set("armSignals", Napi::Function::New(env, ArmSignals));
	exports.Set("signalCommand", Napi::Function::New(env, SignalCommand));
	exports.Set("signalForwarded", Napi::Function::New(env, SignalForwarded));
	exports.Set("disarmSignals", Napi::Function::New(env, DisarmSignals));
	auto st = std::make_shared<EnvState>();
	env.SetInstanceData(new std::shared_ptr<EnvState>(st));
	napi_add_env_cleanup_hook(env, Cleanup, new std::shared_ptr<EnvState>(st));
	return exports;
}

} // namespace

NODE_API_MODULE(vltrace, Init)
